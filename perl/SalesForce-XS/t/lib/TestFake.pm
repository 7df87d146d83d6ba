# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

package TestFake;

# Starts the fake Salesforce org (fake-salesforce --tls) on loopback for a
# test, reads its first stdout line (JSON: URLs, credentials, CA file), and
# stops it by PID when the object goes away (only in the starting process).

use strict;
use warnings;

use Cwd            qw(abs_path);
use File::Basename qw(dirname);
use File::Temp     ();
use JSON::PP       ();
use POSIX          ();

my $Root = abs_path( dirname(__FILE__) . '/../../../..' );

=head2 Start()

    my ( $Fake, $Reason ) = TestFake->Start();

Returns the fake, or undef and why it could not start. Builds the binary
with cargo when it is missing (a clean clone runs only the XS build).

=cut

sub Start {
    my ($Class) = @_;

    my $Bin = $ENV{FAKE_SALESFORCE_BIN} || "$Root/target/debug/fake-salesforce";
    if ( !-x $Bin && !$ENV{FAKE_SALESFORCE_BIN} ) {
        my $Status = system( 'sh', '-c', 'cd "$1" && cargo build --quiet -p fake-salesforce >&2', 'sh', $Root );
        if ( $Status != 0 || !-x $Bin ) {
            return ( undef, "cannot build $Bin (cargo build -p fake-salesforce failed)" );
        }
    }
    return ( undef, "$Bin is missing" ) if !-x $Bin;

    # stdout through a pipe (first line: JSON); stderr to a log file.
    my $ErrLog = File::Temp->new(
        TEMPLATE => 'fake-salesforce-XXXXXX',
        TMPDIR   => 1
    );
    pipe( my $Out, my $Write ) or return ( undef, "pipe: $!" );
    my $Pid = fork();
    return ( undef, "fork: $!" ) if !defined $Pid;
    if ( $Pid == 0 ) {
        close $Out;
        open STDOUT, '>&', $Write              or POSIX::_exit(126);
        open STDERR, '>',  $ErrLog->filename() or POSIX::_exit(126);
        exec {$Bin} $Bin, '--tls', '--listen', '127.0.0.1:0' or POSIX::_exit(127);
    }
    close $Write;

    my $Line = eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 30;
        my $FirstLine = <$Out>;
        alarm 0;
        $FirstLine;
    };
    my $Info = eval { defined $Line ? JSON::PP->new()->decode($Line) : undef };
    if ( ref $Info ne 'HASH' ) {
        kill 'TERM', $Pid;
        waitpid( $Pid, 0 );
        close $Out;
        my $Stderr = do { local ( @ARGV, $/ ) = ( $ErrLog->filename() ); <> }
            // '';
        return ( undef, 'the fake printed no JSON first line: ' . ( $Line // $@ // 'nothing' ) . " stderr: $Stderr" );
    }
    return bless {
        Pid    => $Pid,
        Out    => $Out,
        Info   => $Info,
        Owner  => $$,
        ErrLog => $ErrLog,
    }, $Class;
}

=head2 Info()

The fake's first line, decoded.

=cut

sub Info {
    my ($Self) = @_;
    return $Self->{Info};
}

=head2 ConfigJSON()

A soap-login client configuration for the fake, as a JSON string.

    my $JSON = $Fake->ConfigJSON( Password => 'wrong' );

=cut

sub ConfigJSON {
    my ( $Self, %Param ) = @_;

    my $Info = $Self->{Info};
    return JSON::PP->new()->canonical(1)->encode(
        {
            auth_flow      => 'soap-login',
            login_url      => $Info->{soap_login_url},
            api_version    => $Info->{api_version},
            username       => $Info->{username},
            password       => $Param{Password} // $Info->{password},
            security_token => $Info->{security_token},
            ca_file        => $Info->{ca_file},
        }
    );
}

=head2 Stop()

Stops the fake (by its PID) and reaps it.

=cut

sub Stop {
    my ($Self) = @_;

    return if !$Self->{Pid} || $Self->{Owner} != $$;
    kill 'TERM', $Self->{Pid};
    waitpid( $Self->{Pid}, 0 );
    close $Self->{Out};
    $Self->{Pid} = undef;
    return 1;
}

sub DESTROY {
    my ($Self) = @_;
    $Self->Stop();
    return;
}

1;
