# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

package TestFake;

# Starts the fake Salesforce org (fake-salesforce --tls) on loopback for a
# test, through the one Perl launcher of the repository
# (Kernel::System::SalesForce::UnitTestFake, found at the repository root),
# which reads its first stdout line (JSON: URLs, credentials, CA file) and
# stops it by PID when the object goes away (only in the starting process).

use strict;
use warnings;

use Cwd            qw(abs_path);
use File::Basename qw(dirname);
use JSON::PP       ();

my $Root;

BEGIN {
    $Root = abs_path( dirname(__FILE__) . '/../../../..' );
}
use lib $Root;

use Kernel::System::SalesForce::UnitTestFake;

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

    my $Launcher = Kernel::System::SalesForce::UnitTestFake->new( Binary => $Bin );
    my $Info     = $Launcher->Launch( Args => ['--tls'] );
    return ( undef, $Launcher->Error() ) if !$Info;

    return bless {
        Launcher => $Launcher,
        Info     => $Info,
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

Stops the fake (by its PID) and reaps it; also done when the object goes away.

=cut

sub Stop {
    my ($Self) = @_;
    return $Self->{Launcher}->Stop();
}

1;
