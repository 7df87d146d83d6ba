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
use File::Temp ();
use HTTP::Tiny;
use JSON::PP ();

use Kernel::System::SalesForce::UnitTestFake;

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

A thin wrapper of the one Perl launcher, L<Kernel::System::SalesForce::UnitTestFake>
(L<Kernel::System::SalesForce::UnitTestFake/Launch()>): runs C<$ENV{FAKE_SALESFORCE_BIN}>
(default C<target/debug/fake-salesforce> of the repository) with C<--listen 127.0.0.1:0> and
the given arguments, keeps its first stdout line (one JSON object, see
doc/dev/ARCHITECTURE.md) in C<< $Fake->{Info} >> and the process until the object goes away.
This module adds what only the repository's tests need: the binary's default path, and
requests to the fake's control, data and stats endpoints.

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

    my $Launcher = Kernel::System::SalesForce::UnitTestFake->new( Binary => $Class->Binary() );
    my $Info     = $Launcher->Launch(
        Args    => $Param{Args},
        Timeout => $Param{Timeout},
    );
    croak $Launcher->Error() if !$Info;

    return bless {
        Launcher => $Launcher,
        Info     => $Info,
    }, $Class;
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

    return $Self->{Launcher}->StderrText();
}

=head2 Stop()

Stops the fake (SIGTERM, then SIGKILL after 5 seconds) and reaps it; only in the process
that started it. Also done when the object goes away.

    $Fake->Stop();

=cut

sub Stop {
    my ( $Self, %Param ) = @_;

    return $Self->{Launcher}->Stop();
}

# One HTTP request to the fake: HTTP::Tiny (with IO::Socket::SSL for HTTPS), or curl
# when this Perl cannot do TLS. Returns HTTP::Tiny's response hash.
sub _Request {
    my ( $Self, $Method, $URL, $Data ) = @_;

    my $Body = defined $Data ? JSON::PP->new()->utf8()->canonical(1)->encode($Data) : undef;
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

    my $BodyFile = File::Temp->new(
        TEMPLATE => 'fake-salesforce-request-XXXXXX',
        TMPDIR   => 1,
    );
    my @Command = (
        'curl', '-sS', '--max-time', '30', '-X', $Method, '-H', 'Content-Type: application/json',
        '-w',   "\n%{http_code}", ( $CA ? ( '--cacert', $CA ) : () ),
    );
    if ( defined $Body ) {
        print {$BodyFile} $Body;
        close $BodyFile;
        push @Command, '--data-binary', '@' . $BodyFile->filename();
    }
    open my $Pipe, '-|', @Command, $URL or croak "cannot run curl: $!";    ## no critic
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
