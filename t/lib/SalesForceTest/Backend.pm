# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package SalesForceTest::Backend;

use strict;
use warnings;

use Exporter qw(import);
use Test::More;

use Kernel::System::ObjectManager;

our @EXPORT_OK = qw(SettingsForFake SecretsOfFake LogMessages NoSecretsLogged XSAvailable);

=head1 NAME

SalesForceTest::Backend - helpers for the t/api-*.t tests of Kernel::System::SalesForce

=head1 FUNCTIONS

=head2 SettingsForFake()

SysConfig values (setting name => value) that point the backend at a running fake
for one authentication flow.

    my %Settings = SettingsForFake( $Fake, 'oauth-jwt' );
    local @Kernel::Config::TestSettings{ keys %Settings } = values %Settings;

=cut

sub SettingsForFake {
    my ( $Fake, $Flow ) = @_;

    my $Info     = $Fake->{Info};
    my %Settings = (
        'SalesForceModule'                        => 1,
        'SalesForceModule::AuthFlow'              => $Flow                || 'soap-login',
        'SalesForceModule::APIVersion'            => $Info->{api_version} || '64.0',
        'SalesForceModule::Proxy'                 => $Info->{soap_login_url},
        'SalesForceModule::AuthUser'              => $Info->{username},
        'SalesForceModule::AuthPassword'          => $Info->{password},
        'SalesForceModule::AuthSecToken'          => $Info->{security_token},
        'SalesForceModule::OAuth::LoginHost'      => $Info->{login_host},
        'SalesForceModule::OAuth::ClientID'       => $Info->{client_id},
        'SalesForceModule::OAuth::ClientSecret'   => $Info->{client_secret},
        'SalesForceModule::OAuth::RefreshToken'   => $Info->{refresh_token},
        'SalesForceModule::OAuth::PrivateKeyFile' => $Info->{jwt_private_key_file},
        'SalesForceModule::CAFile'                => $Info->{ca_file},
        'SalesForceModule::ConnectTimeout'        => 5,
        'SalesForceModule::Timeout'               => 60,
    );
    return %Settings;
}

=head2 SecretsOfFake()

The secret values of a fake (to assert that none is logged).

    my @Secrets = SecretsOfFake($Fake);

=cut

sub SecretsOfFake {
    my ($Fake) = @_;

    my $Info    = $Fake->{Info};
    my @Secrets = grep { defined && length >= 4 }
        map { $Info->{$_} } qw(password security_token client_secret refresh_token);

    if ( $Info->{jwt_private_key_file} && open my $FH, '<', $Info->{jwt_private_key_file} ) {    ## no critic
        local $/;
        my $PEM = <$FH>;
        close $FH;
        push @Secrets, grep { length >= 16 && !/-----/ } split /\r?\n/, $PEM;
    }
    return @Secrets;
}

=head2 LogMessages()

All messages logged in this process so far (any Log object).

    my @Messages = LogMessages( Priority => 'error' );    # Priority optional

=cut

sub LogMessages {
    my (%Param) = @_;

    return map { $_->{Message} }
        grep { !$Param{Priority} || $_->{Priority} eq $Param{Priority} } @Kernel::System::Log::AllEntries;
}

=head2 NoSecretsLogged()

One test: no secret appears in any log entry or in the extra texts given.

    NoSecretsLogged( \@Secrets, 'after the auth tests', @MoreTexts );

=cut

sub NoSecretsLogged {
    my ( $Secrets, $Name, @Texts ) = @_;

    my @Found;
    for my $Text ( LogMessages(), @Texts ) {
        next if !defined $Text;
        for my $Secret ( @{$Secrets} ) {
            push @Found, "'$Secret' in: $Text" if index( $Text, $Secret ) >= 0;
        }
    }
    ok( !@Found, "no secret in any log entry or message ($Name)" )
        or diag( join "\n", grep {defined} @Found[ 0 .. 4 ] );
    return;
}

=head2 XSAvailable()

Whether SalesForce::XS loads.

=cut

sub XSAvailable {
    return eval { require SalesForce::XS; 1 } ? 1 : 0;
}

1;
