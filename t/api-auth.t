# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Each authentication flow configured through SysConfig (and the original
# console commands' overrides), against the fake over HTTPS; wrong credentials
# give a clear error; no secret ever reaches the log.

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)
use utf8;

use Test::More;

use Kernel::System::ObjectManager;
use SalesForceTest::Backend qw(SettingsForFake SecretsOfFake NoSecretsLogged XSAvailable);
use SalesForceTest::Fake;

plan skip_all => 'fake-salesforce not built' if !SalesForceTest::Fake->Available();
plan skip_all => 'SalesForce::XS not built'  if !XSAvailable();

$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

my $Fake    = SalesForceTest::Fake->new( Args => [ '--generate', 'accounts=5,owners=1', '--tls' ] );
my $Info    = $Fake->{Info};
my @Secrets = SecretsOfFake($Fake);
my @Errors;

my $Connect = sub {
    my (%Param) = @_;
    %Kernel::Config::TestSettings = ( SettingsForFake( $Fake, $Param{Flow} ), %{ $Param{Settings} || {} } );
    $Kernel::OM = Kernel::System::ObjectManager->new( 'Kernel::System::SalesForce' => $Param{Params} || {} );
    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
    my $Result           = $SalesForceObject->TestConnection();
    my $Error            = $SalesForceObject->GetErrorDetails();
    push @Errors, values %{ $Error || {} };
    return ( $Result, $Error, $SalesForceObject );
};

for my $Flow (qw(soap-login oauth-client-credentials oauth-jwt oauth-password oauth-refresh-token)) {
    my ( $Result, $Error, $SalesForceObject ) = $Connect->( Flow => $Flow );
    ok( $Result, "$Flow: TestConnection succeeds" ) or diag explain $Error;
    is( $Result && $Result->{AuthFlow}, $Flow,            "$Flow: the flow in use" );
    is( $Result && $Result->{UserID},   $Info->{user_id}, "$Flow: signed in as the API user" );
    is( $Result && $Result->{OrgID},    $Info->{org_id},  "$Flow: the org" );

    my $Page = $SalesForceObject->Query( Query => 'SELECT Id FROM Account' );
    is( $Page && $Page->{size}, 5, "$Flow: a query works with the session" );
}

# JWT with the key as text (SalesForceModule::OAuth::PrivateKey) instead of a file.
{
    open my $FH, '<', $Info->{jwt_private_key_file} or die "cannot read the fake's JWT key: $!";    ## no critic
    local $/;
    my $PEM = <$FH>;
    close $FH;
    my ($Result) = $Connect->(
        Flow     => 'oauth-jwt',
        Settings => {
            'SalesForceModule::OAuth::PrivateKeyFile' => '',
            'SalesForceModule::OAuth::PrivateKey'     => $PEM,
        },
    );
    is( $Result && $Result->{AuthFlow}, 'oauth-jwt', 'oauth-jwt with the key text in SysConfig' );
}

# The original console commands' overrides (SF_AUTHUSER, SF_AUTHPASSWORD, SF_AUTHSECTOKEN, SF_PROXY).
{
    my ($Result) = $Connect->(
        Flow     => 'soap-login',
        Settings => {
            'SalesForceModule::AuthUser'     => 'nobody@example.com',
            'SalesForceModule::AuthPassword' => 'wrong',
            'SalesForceModule::Proxy'        => 'https://127.0.0.1:9/services/Soap/u/64.0',
        },
        Params => {
            SF_AUTHUSER     => $Info->{username},
            SF_AUTHPASSWORD => $Info->{password},
            SF_AUTHSECTOKEN => $Info->{security_token},
            SF_PROXY        => $Info->{soap_login_url},
        },
    );
    is( $Result && $Result->{UserID}, $Info->{user_id}, 'soap-login with the console overrides' );
}

# A retired version configured (the original's defaults): a notice, and it still works.
{
    my $OldProxy = $Info->{soap_login_url};
    $OldProxy =~ s{/u/[0-9.]+\z}{/u/8.0};
    my ( $Result, $Error ) = $Connect->(
        Flow     => 'soap-login',
        Settings => {
            'SalesForceModule::APIVersion' => '23.0',
            'SalesForceModule::Proxy'      => $OldProxy
        },
    );
    is( $Result && $Result->{APIVersion}, '64.0', 'the original 23.0 / u/8.0 configuration signs in with 64.0' )
        or diag explain $Error;
    my $Notice = $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'notice' );
    like( $Notice, qr/SalesForceModule::Proxy .*uses API version 8\.0/, 'a notice names the old setting' );
}

# Wrong credentials: undef, an Auth error, the reason logged, no secret in it.
my @Wrong = (
    [ 'soap-login', { 'SalesForceModule::AuthPassword' => 'Wrong-Pw-Secret-77' }, qr/INVALID_LOGIN/ ],
    [
        'oauth-client-credentials', { 'SalesForceModule::OAuth::ClientSecret' => 'Wrong-CS-Secret-78' },
        qr/invalid_client/
    ],
    [ 'oauth-refresh-token', { 'SalesForceModule::OAuth::RefreshToken' => 'Wrong-RT-Secret-79' }, qr/invalid_grant/ ],
    [ 'oauth-password',      { 'SalesForceModule::AuthPassword'        => 'Wrong-Pw-Secret-80' }, qr/invalid_grant/ ],
);
for my $Case (@Wrong) {
    my ( $Flow, $Settings, $Expected ) = @{$Case};
    push @Secrets, values %{$Settings};
    my ( $Result, $Error ) = $Connect->(
        Flow     => $Flow,
        Settings => $Settings
    );
    is( $Result,                     undef,  "$Flow with wrong credentials: undef" );
    is( $Error && uc $Error->{Name}, 'AUTH', "$Flow with wrong credentials: error kind Auth" ) or diag explain $Error;
    like(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'error' ),
        qr/TestConnection failed: .*$Expected/, "$Flow with wrong credentials: the reason is logged"
    );
}

# A CA the fake's certificate does not chain to: refused (certificate checks are always on).
{
    my ( $Result, $Error ) = $Connect->(
        Flow     => 'soap-login',
        Settings => { 'SalesForceModule::CAFile' => '' }
    );
    is( $Result, undef, 'without the fake CA the TLS connection is refused' );
    like( $Error && $Error->{Message}, qr/certificate|tls|TLS|verify/i, 'the error says it is about the certificate' );
}

NoSecretsLogged( \@Secrets, 'all flows', @Errors );

done_testing();
