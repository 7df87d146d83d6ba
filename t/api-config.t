# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Kernel::System::SalesForce without a Salesforce: the on/off switch, parameter
# checks, configuration from SysConfig and new() overrides, retired API versions,
# unsupported Metadata API, and that secrets never reach the log.

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)
use utf8;

use Test::More;

use Kernel::System::ObjectManager;
use SalesForceTest::Backend qw(LogMessages NoSecretsLogged XSAvailable);

$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

my @Secrets = ( 'Pw-Very-Secret-1', 'TOKEN-Very-Secret-2', 'CS-Very-Secret-3', 'RT-Very-Secret-4', 'ProxyPw-Secret-5' );

my %Base = (
    'SalesForceModule'                      => 1,
    'SalesForceModule::AuthUser'            => 'api@example.com',
    'SalesForceModule::AuthPassword'        => $Secrets[0],
    'SalesForceModule::AuthSecToken'        => $Secrets[1],
    'SalesForceModule::OAuth::ClientID'     => 'client-id-1',
    'SalesForceModule::OAuth::ClientSecret' => $Secrets[2],
    'SalesForceModule::OAuth::RefreshToken' => $Secrets[3],
);

# A fresh object manager with the given settings (like a deployment) and new() params.
my $Setup = sub {
    my (%Param) = @_;
    %Kernel::Config::TestSettings = ( %Base, %{ $Param{Settings} || {} } );
    $Kernel::OM                   = Kernel::System::ObjectManager->new(
        'Kernel::System::SalesForce' => $Param{Params} || {},
    );
    return $Kernel::OM->Get('Kernel::System::SalesForce');
};

my $LastError = sub {
    return $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
        Type => 'error',
        What => 'Message'
    );
};

# The client configuration the object would give the native client.
my $ClientConfig = sub {
    my ($Object) = @_;
    return $Object->_ClientConfig('Test');
};

# --- the on/off switch: every public method logs and returns undef ---

my @Methods = qw(
    Query DoQuery QueryAll DoQueryAll QueryMore QueryIterator Search Retrieve Create Update UpSert Delete
    DescribeGlobal DescribeSObject DescribeSObjects DescribeLayout DescribeTabs GetUserInfo GetServerTimeStamp
    SFDate GetUpdated GetDeleted ConvertLead SetPassword ResetPassword Logout GetSessionID GetUserID GetUserName
    GetFieldList GetTables GetErrorDetails TestConnection Call
    DescribeMetadata RetrieveMetadata CheckAsyncStatus CheckRetrieveStatus
);
my %Args = (
    Query        => 'SELECT Id FROM Account',
    QueryLocator => '01g-2000',
    SearchString => 'FIND {x}',
    Fields       => 'Id',
    Type         => 'Account',
    IDs          => ['001000000000001AAA'],
    Name         => 'X',
    Data         => { id => '001000000000001AAA' },
    LeadID       => ['00Q000000000001AAA'],
    UserID       => '005000000000001AAA',
    Password     => $Secrets[0],
    Start        => '2026-01-01T00:00:00Z',
    End          => '2026-01-02T00:00:00Z',
    TableName    => 'Account',
    Method       => 'login',
    PID          => 5,
);
{
    my $SalesForceObject = $Setup->( Settings => { SalesForceModule => 0 } );
    for my $Method (@Methods) {
        my %CallArgs = %Args;
        $CallArgs{Type} = ['Account'] if $Method eq 'DescribeSObjects';
        my @Result = $SalesForceObject->$Method(%CallArgs);
        ok( !@Result || !defined $Result[0], "disabled: $Method returns undef" );
        like(
            $LastError->(),
            qr/SalesForceModule is disabled/,
            "disabled: $Method logs 'SalesForceModule is disabled'"
        );
    }
    ok( !$SalesForceObject->{Client}, 'disabled: no client was made' );

    # SF => 1 (console option --sf) switches it on for this object.
    my $Enabled = $Setup->(
        Settings => { SalesForceModule => 0 },
        Params   => { SF               => 1 }
    );
    is( $Enabled->SFDate( Time => 0 ), '1970-01-01T00:00:00.000Z', 'SF => 1 overrides the switch' );

    # ... and SF => 0 switches it off although SysConfig has it on.
    my $Disabled = $Setup->( Params => { SF => 0 } );
    is( $Disabled->SFDate(), undef, 'SF => 0 overrides the switch' );
}

# --- parameter checks ---
{
    my $SalesForceObject = $Setup->();
    my @Cases            = (
        [
            Query => {},
            qr/Need Query!/
        ],
        [
            DoQuery => {},
            qr/Need Query!/
        ],
        [
            QueryMore => {},
            qr/Need QueryLocator!/
        ],
        [
            Search => {},
            qr/Need SearchString!/
        ],
        [
            Retrieve => {
                Fields => 'Id',
                Type   => 'Account'
            },
            qr/Need IDs!/
        ],
        [
            Retrieve => {
                Fields => 'Id',
                Type   => 'Account',
                IDs    => 'x'
            },
            qr/IDs must be an array reference/
        ],
        [
            Retrieve => {
                Fields => 'Id',
                Type   => 'Account',
                IDs    => []
            },
            qr/Need IDs/
        ],
        [
            Create => { Name => 'x' },
            qr/Need Type!/
        ],
        [
            Create => { Type => 'Account' },
            qr/Need fields/
        ],
        [
            Update => {
                Type => 'Account',
                Data => { Name => 'x' }
            },
            qr/Need 'id' in Data!/
        ],
        [
            Update => {
                Type => 'Account',
                Data => 'x'
            },
            qr/Data must be a hash reference/
        ],
        [
            UpSert => { Type => 'Account' },
            qr/Need Data!/
        ],
        [
            Delete => { IDs => 'x' },
            qr/IDs must be an array reference/
        ],
        [
            DescribeSObject => {},
            qr/Need Type!/
        ],
        [
            DescribeSObjects => { Type => 'Account' },
            qr/Type must be an array reference/
        ],
        [
            DescribeLayout => {},
            qr/Need Type!/
        ],
        [
            GetUpdated => {
                Type  => 'Account',
                Start => 'x'
            },
            qr/Need End!/
        ],
        [
            GetDeleted => {
                Type => 'Account',
                End  => 'x'
            },
            qr/Need Start!/
        ],
        [
            ConvertLead => {},
            qr/Need LeadID!/
        ],
        [
            ConvertLead => { LeadID => '00Q' },
            qr/LeadID must be an array reference/
        ],
        [
            SetPassword => { UserID => '005' },
            qr/Need Password!/
        ],
        [
            ResetPassword => {},
            qr/Need UserID!/
        ],
        [
            GetFieldList => {},
            qr/Need TableName!/
        ],
        [
            Call => {},
            qr/Need Method!/
        ],
        [
            Call => {
                Method => 'login',
                Args   => []
            },
            qr/Args must be a hash reference/
        ],
        [
            Query => {
                Query => 'SELECT Id FROM Account',
                Limit => 'ten'
            },
            qr/Limit must be a positive/
        ],
        [
            SFDate => { Time => 'now' },
            qr/Time must be epoch seconds/
        ],
    );
    for my $Case (@Cases) {
        my ( $Method, $Param, $Expected ) = @{$Case};
        my @Result = $SalesForceObject->$Method( %{$Param} );
        ok( !@Result || !defined $Result[0], "$Method with bad parameters returns undef" );
        like( $LastError->(),                                  $Expected, "$Method logs $Expected" );
        like( $SalesForceObject->GetErrorDetails()->{Message}, $Expected, "$Method: GetErrorDetails has it" );
    }
    ok( !$SalesForceObject->{Client}, 'parameter errors are found before any client is made' );
}

# --- the Metadata API wrappers ---
{
    my $SalesForceObject = $Setup->();
    for my $Method (qw(DescribeMetadata RetrieveMetadata CheckAsyncStatus CheckRetrieveStatus)) {
        is( $SalesForceObject->$Method( PID => 5 ), undef, "$Method returns undef" );
        like( $LastError->(), qr/$Method: not supported: .*Metadata API.* use .+ instead/, "$Method says what to use" );
    }
}

# --- SFDate (no connection needed) ---
{
    my $SalesForceObject = $Setup->();
    is( $SalesForceObject->SFDate( Time => 1700000000 ), '2023-11-14T22:13:20.000Z', 'SFDate of an epoch' );
    like( $SalesForceObject->SFDate(), qr/\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\z/, 'SFDate now' );
}

# --- GetErrorDetails with a Result ---
{
    my $SalesForceObject = $Setup->();
    my $Failed           = {
        id      => undef,
        success => 'false',
        errors  => [
            {
                statusCode => 'REQUIRED_FIELD_MISSING',
                message    => 'Required fields are missing: [Name]',
                fields     => ['Name']
            }
        ],
    };
    is_deeply(
        $SalesForceObject->GetErrorDetails( Result => $Failed ),
        {
            statusCode => 'REQUIRED_FIELD_MISSING',
            message    => 'Required fields are missing: [Name]',
            fields     => ['Name']
        },
        'GetErrorDetails(Result) gives the first error'
    );
    is(
        $SalesForceObject->GetErrorDetails(
            Result => {
                id      => '001',
                success => 'true',
                errors  => []
            }
        ),
        undef,
        'GetErrorDetails(Result) of a success is undef'
    );
}

# --- configuration: SysConfig defaults give the documented client config ---
{
    my $SalesForceObject = $Setup->();
    my $Config           = $ClientConfig->($SalesForceObject);
    is_deeply(
        $Config,
        {
            auth_flow            => 'soap-login',
            api_version          => '64.0',
            login_url            => 'https://login.salesforce.com/services/Soap/u/64.0',
            username             => 'api@example.com',
            password             => $Secrets[0],
            security_token       => $Secrets[1],
            partner_ns           => 'urn:partner.soap.sforce.com',
            sobject_ns           => 'urn:sobject.partner.soap.sforce.com',
            metadata_ns          => 'http://soap.sforce.com/2006/04/metadata',
            prefix               => 'sforce',
            connect_timeout_secs => 10,
            timeout_secs         => 120,
            batch_size           => 2000,
        },
        'soap-login from the shipped defaults: only what the flow needs'
    );
}

# --- the original console commands' overrides, through ObjectParamAdd ---
{
    %Kernel::Config::TestSettings = %Base;
    $Kernel::OM                   = Kernel::System::ObjectManager->new();
    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::SalesForce' => {
            SF_PROXY        => 'https://test.salesforce.com/services/Soap/u/62.0',
            SF_URI          => 'urn:partner.example',
            SF_PREFIX       => 'pfx',
            SF_SOBJECT_URI  => 'urn:sobject.example',
            SF_URIM         => 'http://metadata.example',
            SF_APIVERSION   => '62.0',
            WEB_PROXY       => "http://puser:$Secrets[4]\@proxy.example:3128",
            SF_AUTHUSER     => 'other@example.com',
            SF_AUTHPASSWORD => 'Override-Pw-Secret-6',
            SF_AUTHSECTOKEN => undef,                                                # undef: the setting stays
            CA_FILE         => $0,                                                   # any readable file
            TIMEOUT         => 33,
            BATCH_SIZE      => 500,
        },
    );
    my $Config = $ClientConfig->( $Kernel::OM->Get('Kernel::System::SalesForce') );
    is( $Config->{login_url},   'https://test.salesforce.com/services/Soap/u/62.0', 'SF_PROXY overrides Proxy' );
    is( $Config->{partner_ns},  'urn:partner.example',                              'SF_URI overrides BaseUrl' );
    is( $Config->{prefix},      'pfx',                                              'SF_PREFIX overrides Prefix' );
    is( $Config->{sobject_ns},  'urn:sobject.example',                          'SF_SOBJECT_URI overrides SObjectUrl' );
    is( $Config->{metadata_ns}, 'http://metadata.example',                      'SF_URIM overrides MetaDataUrl' );
    is( $Config->{api_version}, '62.0',                                         'SF_APIVERSION overrides APIVersion' );
    is( $Config->{proxy},       "http://puser:$Secrets[4]\@proxy.example:3128", 'WEB_PROXY overrides WebProxy' );
    is( $Config->{username},    'other@example.com',                            'SF_AUTHUSER overrides AuthUser' );
    is( $Config->{password},       'Override-Pw-Secret-6', 'SF_AUTHPASSWORD overrides AuthPassword' );
    is( $Config->{security_token}, $Secrets[1],            'an undef override leaves the setting' );
    is( $Config->{ca_file},        $0,                     'CA_FILE overrides CAFile' );
    is( $Config->{timeout_secs},   33,                     'TIMEOUT overrides Timeout' );
    is( $Config->{batch_size},     500,                    'BATCH_SIZE overrides BatchSize' );
    $Kernel::OM->ObjectsDiscard( Objects => ['Kernel::System::SalesForce'] );
    $Kernel::OM->ObjectParamAdd( 'Kernel::System::SalesForce' => { SF_APIVERISON => '62.0' } );
    $Kernel::OM->Get('Kernel::System::SalesForce');
    like(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'notice' ),
        qr/unknown parameter\(s\) SF_APIVERISON ignored; known: SF, SF_PROXY/, 'a mistyped parameter gets a notice'
    );
    push @Secrets, 'Override-Pw-Secret-6';
}

# --- the original commands' pattern: a local object manager ---
{
    %Kernel::Config::TestSettings = %Base;
    my $Config = do {
        local $Kernel::OM = Kernel::System::ObjectManager->new(
            'Kernel::System::SalesForce' => {
                AUTH_FLOW        => 'oauth-client-credentials',
                OAUTH_LOGIN_HOST => 'https://x.my.salesforce.com'
            },
        );
        $ClientConfig->( $Kernel::OM->Get('Kernel::System::SalesForce') );
    };
    is( $Config->{auth_flow},     'oauth-client-credentials',    'local OM: AUTH_FLOW override' );
    is( $Config->{login_host},    'https://x.my.salesforce.com', 'local OM: OAUTH_LOGIN_HOST override' );
    is( $Config->{client_secret}, $Secrets[2],                   'client credentials: client secret from SysConfig' );
    ok( !exists $Config->{password} && !exists $Config->{username}, 'client credentials: no user password passed on' );
}

# --- each flow takes its keys from SysConfig, and names the missing setting ---
{
    my %Cases = (
        'oauth-jwt' => {
            Settings => { 'SalesForceModule::OAuth::PrivateKeyFile' => $0 },
            Keys     => [qw(auth_flow api_version client_id username private_key_file login_host)],
        },
        'oauth-refresh-token' => {
            Settings => {},
            Keys     => [qw(auth_flow api_version client_id refresh_token client_secret login_host)],
        },
        'oauth-password' => {
            Settings => {},
            Keys     => [qw(auth_flow api_version client_id client_secret username password security_token login_host)],
        },
    );
    for my $Flow ( sort keys %Cases ) {
        my $Config = $ClientConfig->(
            $Setup->(
                Settings => {
                    'SalesForceModule::AuthFlow' => $Flow,
                    %{ $Cases{$Flow}->{Settings} }
                }
            )
        );
        my @Auth = grep { !/_ns\z|\Aprefix\z|_secs\z|\Abatch_size\z/ } sort keys %{$Config};
        is_deeply( \@Auth, [ sort @{ $Cases{$Flow}->{Keys} } ], "$Flow: the keys the flow needs" );
    }

    # Found by the native client (its messages name the setting through
    # setting_names): flow, settings, new() params, the error expected.
    my @ClientFinds = (
        [
            'soap-login', { 'SalesForceModule::AuthUser' => '' },
            {}, qr/SalesForceModule::AuthUser is empty.*soap-login/
        ],
        [
            'oauth-client-credentials', { 'SalesForceModule::OAuth::ClientSecret' => '' }, {},
            qr/SalesForceModule::OAuth::ClientSecret is empty/
        ],
        [
            'oauth-jwt', {}, {},
            qr/OAuth::PrivateKey .*and SalesForceModule::OAuth::PrivateKeyFile .*are both empty: the oauth-jwt flow/
        ],
        [
            'oauth-jwt', { 'SalesForceModule::OAuth::PrivateKeyFile' => '/nonexistent/key.pem' }, {},
            qr{SalesForceModule::OAuth::PrivateKeyFile .*names /nonexistent/key\.pem, which is not a readable file}
        ],
        [
            'nonsense', {}, {},
            qr/SalesForceModule::AuthFlow .*has an unknown auth flow "nonsense" \(use one of: soap-login/
        ],
        [
            'soap-login', {}, { AUTH_FLOW => 'nonsense' },
            qr/SalesForceModule::AuthFlow \(given as parameter AUTH_FLOW\) .*unknown auth flow "nonsense"/
        ],
        [
            'access-token', {}, { ACCESS_TOKEN => 'Access-Token-Secret-9' },
            qr/the parameter INSTANCE_URL is empty .*access-token auth flow needs it/
        ],
        [
            'soap-login', { 'SalesForceModule::Timeout' => 'slow' }, {},
            qr/SalesForceModule::Timeout .*must be a whole number >= 0, not "slow"/
        ],
        [
            'soap-login', { 'SalesForceModule::APIVersion' => 'latest' }, {},
            qr/SalesForceModule::APIVersion .*is "latest", expected a version like 64\.0/
        ],
        [
            'soap-login', { 'SalesForceModule::CAFile' => '/nonexistent/ca.pem' }, {},
            qr{SalesForceModule::CAFile .*names /nonexistent/ca\.pem, which cannot be read}
        ],
        [
            'soap-login', { 'SalesForceModule::ConnectTimeout' => '0' }, {},
            qr/SalesForceModule::ConnectTimeout \(config key "connect_timeout_secs"\) is 0; use at least 1 \(seconds\)/
        ],
        [
            'soap-login', { 'SalesForceModule::Timeout' => '00' }, {},
            qr/SalesForceModule::Timeout \(config key "timeout_secs"\) is 0; use at least 1 \(seconds\)/
        ],
        [
            'soap-login', {},
            { BATCH_SIZE => '0' },
            qr/SalesForceModule::BatchSize \(given as parameter BATCH_SIZE\) \(config key "batch_size"\) is 0; use 200\.\.2000/
        ],
    );
    push @Secrets, 'Access-Token-Secret-9';
    for my $Case (@ClientFinds) {
        my ( $Flow, $Settings, $Params, $Expected ) = @{$Case};
        SKIP: {
            skip 'SalesForce::XS not built', 3 if !XSAvailable();
            my $SalesForceObject = $Setup->(
                Settings => {
                    'SalesForceModule::AuthFlow' => $Flow,
                    %{$Settings}
                },
                Params => $Params,
            );
            is( $SalesForceObject->GetUserInfo(), undef, "$Flow with bad settings: GetUserInfo gives undef" );
            like( $LastError->(), $Expected, "$Flow: the error names the setting ($Expected)" );
            is( $SalesForceObject->GetErrorDetails()->{Name}, 'CONFIG', "$Flow: error kind CONFIG" );
        }
    }
}

# --- retired API versions: the client replaces them; its warnings become notices ---
SKIP: {
    skip 'SalesForce::XS not built', 7 if !XSAvailable();

    my $Notices = sub {
        return
            map { $_->{Message} }
            grep { $_->{Priority} eq 'notice' } $Kernel::OM->Get('Kernel::System::Log')->Entries();
    };
    my $LastNotice = sub {
        return $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'notice' );
    };
    my $SalesForceObject = $Setup->(
        Settings => {
            'SalesForceModule::APIVersion' => '23.0',
            'SalesForceModule::Proxy'      => 'https://login.salesforce.com/services/Soap/u/8.0',
        },
    );
    is( $ClientConfig->($SalesForceObject)->{api_version}, '23.0', 'Perl passes the version on as it is' );

    # 'usage' is answered by the client itself: no request, but the client is made.
    ok( $SalesForceObject->Call( Method => 'usage' ), 'the client is made with a retired version' );
    my @Notices = $Notices->();
    ok(
        ( grep {/SalesForceModule::APIVersion .*23\.0 is retired by Salesforce.*using 64\.0/} @Notices ),
        'a notice names SalesForceModule::APIVersion'
    ) or diag explain \@Notices;
    ok(
        ( grep {/SalesForceModule::Proxy .*uses API version 8\.0, which Salesforce has retired/} @Notices ),
        'a notice names SalesForceModule::Proxy'
    ) or diag explain \@Notices;
    is( $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'error' ), '', 'no error for a retired version' );

    my $Override = $Setup->( Params => { SF_APIVERSION => '30.0' } );
    $Override->Call( Method => 'usage' );
    like( $LastNotice->(), qr/given as parameter SF_APIVERSION/, 'an override is named as such' );

    my $Future = $Setup->( Settings => { 'SalesForceModule::APIVersion' => '65.0' } );
    $Future->Call( Method => 'usage' );
    like(
        $LastNotice->(),
        qr/SOAP login\(\) is not available from API 65\.0 on; SalesForceModule::APIVersion .*AuthFlow/,
        'soap-login with 65.0 gets a notice naming APIVersion and AuthFlow'
    );
}

# --- ConfigurationWarnings( Quiet => 1 ): a client that cannot be made is a notice, not an error ---
SKIP: {
    skip 'SalesForce::XS not built', 3 if !XSAvailable();

    my $SalesForceObject = $Setup->( Settings => { 'SalesForceModule::CAFile' => '/nonexistent/ca.pem' } );
    my @Warnings         = $SalesForceObject->ConfigurationWarnings( Quiet => 1 );
    is( scalar @Warnings, 0, 'quiet: no client, no warnings' );
    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');
    is( $LogObject->GetLogEntry( Type => 'error' ), '', 'quiet: nothing logged as an error' );
    like( $LogObject->GetLogEntry( Type => 'notice' ), qr/CAFile.*cannot be read/, 'quiet: the reason is a notice' );
}

# --- a real client against a closed port: the error is logged without secrets ---
my @Texts;
SKIP: {
    skip 'SalesForce::XS not built', 8 if !XSAvailable();

    my $SalesForceObject = $Setup->(
        Settings => {
            'SalesForceModule::Proxy'          => 'http://127.0.0.1:9/services/Soap/u/64.0',
            'SalesForceModule::ConnectTimeout' => 2,
            'SalesForceModule::Timeout'        => 5,
            'SalesForceModule::WebProxy'       => '',
        },
    );
    my $Result = $SalesForceObject->Query( Query => 'SELECT Id FROM Account' );
    is( $Result, undef, 'Query against a closed port returns undef' );
    my $Error = $SalesForceObject->GetErrorDetails();
    ok( $Error && $Error->{Function} eq 'Query', 'GetErrorDetails names the function' ) or diag explain $Error;
    ok( $Error->{Code} > 0,                      'GetErrorDetails has the sf_result code' );
    like( $Error->{Name}, qr/\A(?:Transport|Timeout|TRANSPORT|TIMEOUT)\z/i, 'the error kind is Transport or Timeout' );
    like( $LastError->(), qr/SalesForce: Query failed: /,                   'the failure is logged' );
    ok( $SalesForceObject->{Client}, 'the client object is kept for the next call' );

    # Through a proxy whose URL holds a password: the failure is logged without it.
    my $Proxied = $Setup->(
        Settings => {
            'SalesForceModule::Proxy'          => 'https://login.example.invalid/services/Soap/u/64.0',
            'SalesForceModule::WebProxy'       => "http://puser:$Secrets[4]\@127.0.0.1:9",
            'SalesForceModule::ConnectTimeout' => 2,
            'SalesForceModule::Timeout'        => 5,
        },
    );
    is( $Proxied->GetUserInfo(), undef, 'a call through an unreachable proxy returns undef' );
    like( $LastError->(), qr/GetUserInfo failed/, 'the proxy failure is logged' );
    push @Texts, values %{ $Proxied->GetErrorDetails() || {} };
}

NoSecretsLogged( \@Secrets, 'configuration tests', @Texts );

# The scrubber itself: secrets and URL credentials are hidden.
{
    my $SalesForceObject = $Setup->( Settings => { 'SalesForceModule::WebProxy' => "http://u:$Secrets[4]\@p:1" } );
    $ClientConfig->($SalesForceObject);
    my $Text
        = $SalesForceObject->_Scrub("pw $Secrets[0]$Secrets[1] proxy http://u:$Secrets[4]\@p:1 other https://a:b\@h/x");
    unlike(
        $Text,
        qr/\Q$Secrets[0]\E|\Q$Secrets[1]\E|\Q$Secrets[4]\E|a:b\@/,
        'the scrubber hides secrets and URL credentials'
    );
}

done_testing();
