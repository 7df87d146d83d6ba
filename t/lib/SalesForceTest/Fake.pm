# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package SalesForceTest::Fake;

use strict;
use warnings;

use Carp           qw(croak);
use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);
use HTTP::Tiny;
use JSON::PP    ();
use POSIX       qw(WNOHANG);
use Time::HiRes qw(sleep time);

=head1 NAME

SalesForceTest::Fake - start the fake Salesforce org from Perl tests

=head1 SYNOPSIS

    use SalesForceTest::Fake;

    my $Fake = SalesForceTest::Fake->new(
        Args => [ '--generate', 'accounts=50,owners=5,contacts=80', '--tls' ],
    );
    my $Info = $Fake->{Info};         # the first stdout line of the fake, decoded:
                                      # soap_login_url, instance_url, token_url, login_host,
                                      # control_url, username, password, ..., ca_file (with --tls)
    $Fake->Control( { fault => 'http503', on => 'queryMore', count => 1 } );    # POST to the control endpoint
    my $Stats = $Fake->Stats();                              # GET the call statistics
    undef $Fake;                                             # kills the process (by PID)

=head1 DESCRIPTION

Runs C<$ENV{FAKE_SALESFORCE_BIN}> (default C<target/debug/fake-salesforce> of the
repository) with C<--listen 127.0.0.1:0> and the given arguments, reads the first
line of its standard output (one JSON object, see doc/dev/ARCHITECTURE.md) and
keeps the process until the object goes away. The fake's further output goes to a
temporary directory (its standard error is shown by L</StderrText()> and in the
die message when it fails to start).

C<< SalesForceTest::Fake->Available() >> says whether the binary exists (to skip tests).

=head1 PUBLIC INTERFACE

=head2 Binary()

    my $Path = SalesForceTest::Fake->Binary();

=cut

sub Binary {
    my ($Class) = @_;

    return $ENV{FAKE_SALESFORCE_BIN} if $ENV{FAKE_SALESFORCE_BIN};

    my $Root = File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), '..', '..', '..' ) );
    return File::Spec->catfile( $Root, 'target', 'debug', 'fake-salesforce' );
}

=head2 Available()

    plan skip_all => 'fake-salesforce not built' if !SalesForceTest::Fake->Available();

=cut

sub Available {
    my ($Class) = @_;

    return -x $Class->Binary() ? 1 : 0;
}

=head2 new()

    my $Fake = SalesForceTest::Fake->new(
        Args    => [ '--tls' ],    # optional, more arguments for the fake
        Timeout => 30,             # optional, seconds to wait for the first line
    );

Dies with the fake's standard error when it does not start.

=cut

sub new {
    my ( $Class, %Param ) = @_;

    my $Binary = $Class->Binary();
    if ( !-x $Binary ) {
        croak "fake-salesforce binary '$Binary' not found or not executable "
            . '(cargo build -p fake-salesforce, or set FAKE_SALESFORCE_BIN)';
    }

    my $Dir = tempdir(
        'fake-salesforce-XXXXXX',
        TMPDIR  => 1,
        CLEANUP => 1
    );
    my $OutFile = File::Spec->catfile( $Dir, 'stdout' );
    my $ErrFile = File::Spec->catfile( $Dir, 'stderr' );
    my @Command = ( $Binary, '--listen', '127.0.0.1:0', @{ $Param{Args} || [] } );

    my $PID = fork();
    croak "fork failed: $!" if !defined $PID;

    if ( !$PID ) {

        # Child: stdout and stderr into files, so a full pipe never blocks the fake.
        open STDOUT, '>', $OutFile    or POSIX::_exit(126);    ## no critic
        open STDERR, '>', $ErrFile    or POSIX::_exit(126);    ## no critic
        open STDIN,  '<', '/dev/null' or POSIX::_exit(126);    ## no critic
        exec {$Binary} @Command or POSIX::_exit(127);
    }

    my $Self = bless {
        PID     => $PID,
        Dir     => $Dir,
        OutFile => $OutFile,
        ErrFile => $ErrFile,
        Owner   => $$,
    }, $Class;

    my $Deadline = time + ( $Param{Timeout} || 30 );
    my $Line;
    WAIT:
    while ( time < $Deadline ) {
        if ( open my $FH, '<', $OutFile ) {    ## no critic
            my $First = <$FH>;
            close $FH;
            if ( defined $First && $First =~ m{\n\z} ) {
                $Line = $First;
                last WAIT;
            }
        }
        if ( waitpid( $PID, WNOHANG ) == $PID ) {
            my $Status = $? >> 8;
            delete $Self->{PID};
            croak "fake-salesforce exited (status $Status) before it was ready: " . $Self->StderrText();
        }
        sleep 0.05;
    }
    if ( !defined $Line ) {
        croak 'fake-salesforce printed no first line within the timeout: ' . $Self->StderrText();
    }

    $Self->{Info} = eval { JSON::PP->new()->decode($Line) };
    if ( ref $Self->{Info} ne 'HASH' ) {
        croak "fake-salesforce's first line is not a JSON object: $Line";
    }

    return $Self;
}

=head2 Control()

Posts a JSON object to the control endpoint (fault injection, settings). Returns the
decoded answer (or {}); dies on a non-2xx status.

    my $Answer = $Fake->Control( { fault => 'invalid_session', count => 1 } );
    $Fake->Control( { invalidate_locators => JSON::PP::true } );

=cut

sub Control {
    my ( $Self, $Data ) = @_;

    croak 'Control needs a hash reference' if ref $Data ne 'HASH';

    my $Response = $Self->_Request( 'POST', $Self->{Info}->{control_url}, $Data );
    return $Self->_Answer( 'Control', $Response );
}

=head2 Data()

Changes the fake org's records directly (POST to its C<data_url>), also fields the
API cannot write, such as C<SystemModstamp>. Returns the decoded answer.

    $Fake->Data( { update => [ { Id => $ID, SystemModstamp => '2026-01-01T00:00:00.000Z' } ] } );

=cut

sub Data {
    my ( $Self, $Changes ) = @_;

    croak 'Data needs a hash reference' if ref $Changes ne 'HASH';

    my $URL = $Self->{Info}->{data_url};
    if ( !$URL ) {
        ( $URL = $Self->{Info}->{control_url} ) =~ s{/control\z}{/data};
    }
    return $Self->_Answer( 'Data', $Self->_Request( 'POST', $URL, $Changes ) );
}

=head2 Stats()

Gets the call statistics of the fake (GET on its C<stats_url>).

    my $Stats = $Fake->Stats();

=cut

sub Stats {
    my ( $Self, %Param ) = @_;

    my $URL = $Self->{Info}->{stats_url};
    if ( !$URL ) {
        ( $URL = $Self->{Info}->{control_url} ) =~ s{/control\z}{/stats};
    }
    return $Self->_Answer( 'Stats', $Self->_Request( 'GET', $URL ) );
}

=head2 StderrText()

What the fake wrote to standard error so far.

    my $Text = $Fake->StderrText();

=cut

sub StderrText {
    my ( $Self, %Param ) = @_;

    open my $FH, '<', $Self->{ErrFile} or return '';    ## no critic
    local $/;
    my $Text = <$FH>;
    close $FH;
    return $Text // '';
}

=head2 Stop()

Stops the fake (SIGTERM, then SIGKILL after 5 seconds) and reaps it. Also done by
C<DESTROY>.

    $Fake->Stop();

=cut

sub Stop {
    my ( $Self, %Param ) = @_;

    my $PID = delete $Self->{PID};
    return 1 if !$PID;
    return 1 if $Self->{Owner} != $$;    # a forked child does not own the fake

    kill 'TERM', $PID;
    my $Deadline = time + 5;
    while ( time < $Deadline ) {
        return 1 if waitpid( $PID, WNOHANG ) != 0;
        sleep 0.05;
    }
    kill 'KILL', $PID;
    waitpid( $PID, 0 );
    return 1;
}

sub DESTROY {
    my ($Self) = @_;

    local ( $?, $@, $! );
    $Self->Stop();
    return;
}

# One HTTP request to the fake: HTTP::Tiny (with IO::Socket::SSL for HTTPS), or curl
# when this Perl cannot do TLS. Returns HTTP::Tiny's response hash.
sub _Request {
    my ( $Self, $Method, $URL, $Data ) = @_;

    my $Body = defined $Data ? JSON::PP->new()->canonical(1)->encode($Data) : undef;
    my $CA   = $Self->{Info}->{ca_file};

    if ( $URL !~ m{\Ahttps:}i || ( HTTP::Tiny->can('can_ssl') && HTTP::Tiny->can_ssl() ) ) {
        my %SSL = $CA
            ? (
            verify_SSL  => 1,
            SSL_options => { SSL_ca_file => $CA }
            )
            : ();
        return HTTP::Tiny->new(
            timeout => 30,
            %SSL
        )->request(
            $Method, $URL,
            {
                headers => { 'Content-Type' => 'application/json' },
                ( defined $Body ? ( content => $Body ) : () ),
            },
        );
    }

    my $BodyFile = File::Spec->catfile( $Self->{Dir}, 'request.json' );
    my @Command  = (
        'curl', '-sS', '--max-time', '30', '-X', $Method, '-H', 'Content-Type: application/json',
        '-w',   "\n%{http_code}", ( $CA ? ( '--cacert', $CA ) : () ),
    );
    if ( defined $Body ) {
        open my $FH, '>', $BodyFile or croak "cannot write $BodyFile: $!";    ## no critic
        print {$FH} $Body;
        close $FH;
        push @Command, '--data-binary', "\@$BodyFile";
    }
    open my $Pipe, '-|', @Command, $URL or croak "cannot run curl: $!";       ## no critic
    local $/;
    my $Output = <$Pipe> // '';
    close $Pipe;
    my ( $Content, $Status ) = $Output =~ m{\A(.*)\n(\d{3})\z}s;
    $Status //= 599;
    return {
        success => ( $Status =~ m{\A2} ? 1 : 0 ),
        status  => $Status,
        reason  => $Status == 599 ? "curl failed: $Output" : '',
        content => $Content // '',
    };
}

sub _Answer {
    my ( $Self, $What, $Response ) = @_;

    if ( !$Response->{success} ) {
        croak "fake-salesforce $What failed: $Response->{status} $Response->{reason}: "
            . ( $Response->{content} // '' );
    }
    my $Content = $Response->{content} // '';
    return {} if $Content !~ m{\S};
    my $Data = eval { JSON::PP->new()->decode($Content) };
    return $Data // { raw => $Content };
}

1;
