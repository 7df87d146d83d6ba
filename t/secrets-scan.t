# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The whole-suite secret scan. The fake org runs with credentials unique to
# this run (with characters that XML, URL and form encoding change); then both
# console commands (good runs in every auth flow, --dry-run, --json, --help,
# wrong password / security token / client secret / refresh token, JWT with a
# key Salesforce does not know, an unreachable web proxy with credentials, every
# fault kind of the fake) and the API backend methods (good and error paths)
# run. Every byte they produce is scanned: STDOUT and STDERR (Perl handles and
# the process's file descriptors 1 and 2, so output of the Rust core is seen
# too), every Log entry of any priority, GetErrorDetails, die messages, the
# JSON reports, the files the sync writes, the fake's request log. Each secret
# is looked for as is, URL-encoded, XML-escaped, JSON-escaped and in base64
# (alone and as user:secret, the HTTP Basic / proxy form); session ids and
# access tokens the fake issued are looked for by value and by their shape.
# Zero hits.

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use Data::Dumper();
use File::Find();
use File::Temp qw(tempdir);
use FindBin    qw($Bin);
use JSON::PP();
use MIME::Base64 qw(encode_base64);
use Test::More;

use SalesForceTest::Backend qw(SettingsForFake XSAvailable);
use SalesForceTest::Fake;

plan skip_all => 'fake-salesforce not built (cargo build -p fake-salesforce)' if !SalesForceTest::Fake->Available();
plan skip_all => 'SalesForce::XS not built (make xs)'                         if !XSAvailable();

# ------------------------------------------------------------ unique secrets
my $Tag    = join '', map { ( 'a' .. 'z', 0 .. 9 )[ rand 36 ] } 1 .. 10;
my %Secret = (
    password       => "Pw&<$Tag>+/%Q",
    security_token => "Tk$Tag" . 'Xy9',
    client_secret  => "Cs+$Tag/=",
    refresh_token  => "Rt$Tag.Refresh",
    proxy_password => "Px:$Tag\@p",
    wrong_password => "WrongPw$Tag",
    wrong_token    => "WrongTk$Tag",
    wrong_secret   => "WrongCs$Tag",
    wrong_refresh  => "WrongRt$Tag",
    set_password   => "NewPw$Tag!9",
);
my $Username   = "scan.$Tag\@example.com";
my $ClientID   = "3MVG9.scan.$Tag";
my $ProxyUser  = "proxyuser$Tag";
my $TokenShape = qr{(?:00D[A-Za-z0-9]{12}(?:!|%21)[A-Za-z0-9._]{20,}|AQ0AQ[A-Za-z0-9._]{20,})};

my $Fake = SalesForceTest::Fake->new(
    Args => [
        '--tls',            '--generate', 'accounts=30,owners=3,contacts=12', '--log-requests',
        '--username',       $Username,
        '--password',       $Secret{password},
        '--security-token', $Secret{security_token},
        '--client-id',      $ClientID,
        '--client-secret',  $Secret{client_secret},
        '--refresh-token',  $Secret{refresh_token},
    ]
);
my $Info = $Fake->{Info};
is( $Info->{password}, $Secret{password}, 'the fake uses the unique password' );

# A second RSA key, not the one the fake knows: JWT with a bad key.
my $Home   = tempdir( CLEANUP => 1 );
my $BadKey = "$Home/bad-jwt-key.pem";
system("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out '$BadKey' 2>/dev/null") == 0
    or BAIL_OUT('openssl genpkey failed');

my @KeyLines;
for my $File ( $Info->{jwt_private_key_file}, $BadKey ) {
    open my $FH, '<', $File or die "cannot read $File: $!";    ## no critic
    push @KeyLines, grep { length >= 16 && !/-----/ } map {s/\s+\z//r} <$FH>;
    close $FH;
}

# ------------------------------------------------------------ everything the runs produce
my @Texts;         # [ where, text ]
my @SessionIDs;    # issued to this process, from GetSessionID
my @Dumps;         # Data::Dumper of backend objects
my $Collect = sub {
    my ( $Where, @Values ) = @_;
    for my $Value (@Values) {
        next if !defined $Value;
        my $Text = ref $Value
            ? Data::Dumper->new( [$Value] )->Indent(1)->Sortkeys(1)->Useqq(0)->Dump()
            : $Value;
        push @Texts, [ $Where, $Text ];
    }
    return;
};

# Output of the Rust core, the XS layer or anything else that writes to the file
# descriptors 1 and 2 directly (Test::More keeps its own copies of the handles).
my $FDFile = "$Home/fd-output.txt";
open my $SavedOut, '>&', \*STDOUT or die $!;    ## no critic
open my $SavedErr, '>&', \*STDERR or die $!;    ## no critic
open STDOUT,       '>>', $FDFile  or die $!;    ## no critic
open STDERR,       '>>', $FDFile  or die $!;    ## no critic
STDOUT->autoflush(1);
STDERR->autoflush(1);

$ENV{SALESFORCE_TEST_HOME}      = $Home;
$ENV{SALESFORCE_CONFIG_XML_DIR} = "$Bin/../Kernel/Config/Files/XML";
$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;
my %Base = (
    SettingsForFake( $Fake, 'soap-login' ),
    'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity',
    'SalesForceModule::Customers::Mode'                                        => 'AccountOwner',
    'SalesForceModule::Customers::DefaultCustomerID'                           => 'sf-default',
    'SalesForceModule::Timeout'                                                => 20,
    'CheckEmailInvalidAddress'                                                 => '@blocked\\.test$',
);

use Kernel::System::ObjectManager;

my %Exits;
my $Commands = 0;
my $Command  = sub {
    my ( $Where, $Name, $Settings, @Arguments ) = @_;
    %Kernel::Config::TestSettings = ( %Base, %{ $Settings || {} } );
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $Object = $Kernel::OM->Create("Kernel::System::Console::Command::Admin::SalesForce::$Name");
    my ( $Out, $Err ) = ( '', '' );
    my $Exit;
    my $Ok;
    {
        local *STDOUT;
        local *STDERR;
        open STDOUT, '>:encoding(UTF-8)', \$Out or die $!;    ## no critic
        open STDERR, '>:encoding(UTF-8)', \$Err or die $!;    ## no critic
        $Ok = eval { $Exit = $Object->Execute( '--allow-root', @Arguments ); 1 };
    }
    $Commands++;
    $Exits{ $Exit // 'died' }++;
    $Collect->( "$Where: STDOUT", $Out );
    $Collect->( "$Where: STDERR", $Err );
    $Collect->( "$Where: die",    $@ ) if !$Ok;
    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
    $Collect->( "$Where: GetErrorDetails", scalar $SalesForceObject->GetErrorDetails() );
    return ( $Exit, $Out, $Err );
};

# ------------------------------------------------------------ console commands
for my $Name (qw(SyncCompanies SyncCustomers)) {
    my ($Exit) = $Command->( "$Name good run", $Name );
    is( $Exit, 0, "$Name: a good run" );
    ($Exit) = $Command->( "$Name --dry-run", $Name, {}, '--dry-run' );
    is( $Exit, 0, "$Name --dry-run" );
    my ( undef, $Out ) = $Command->( "$Name --json", $Name, {}, '--json' );
    ok( eval { JSON::PP->new()->utf8()->decode($Out) }, "$Name --json: a JSON report" );
    ($Exit) = $Command->( "$Name --help", $Name, {}, '--help' );
    is( $Exit, 0, "$Name --help" );
    ($Exit) = $Command->( "$Name --dry-run --json", $Name, {}, '--dry-run', '--json' );
    is( $Exit, 0, "$Name --dry-run --json" );

    # secrets given on the command line (the original's options)
    ($Exit) = $Command->(
        "$Name credentials as options", $Name,
        {
            'SalesForceModule::AuthPassword' => '',
            'SalesForceModule::AuthSecToken' => ''
        },
        '--auth-user',
        $Username,
        '--auth-password',
        $Secret{password},
        '--auth-security-token',
        $Secret{security_token},
        '--json',
    );
    is( $Exit, 0, "$Name: credentials as options" );
}

for my $Flow (qw(oauth-client-credentials oauth-jwt oauth-password oauth-refresh-token)) {
    my ($Exit) = $Command->( "SyncCompanies $Flow", 'SyncCompanies', { SettingsForFake( $Fake, $Flow ) }, '--json' );
    is( $Exit, 0, "SyncCompanies with $Flow (client secret '+', '/', '=')" );
    ($Exit) = $Command->( "SyncCustomers $Flow", 'SyncCustomers', { SettingsForFake( $Fake, $Flow ) } );
    is( $Exit, 0, "SyncCustomers with $Flow" );
}

my @Wrong = (
    [ 'wrong password (option)',          {}, '--auth-password', $Secret{wrong_password} ],
    [ 'wrong password (SysConfig)',       { 'SalesForceModule::AuthPassword' => $Secret{wrong_password} } ],
    [ 'wrong security token (option)',    {}, '--auth-security-token', $Secret{wrong_token} ],
    [ 'wrong security token (SysConfig)', { 'SalesForceModule::AuthSecToken' => $Secret{wrong_token} } ],
    [
        'wrong client secret',
        {
            SettingsForFake( $Fake, 'oauth-client-credentials' ),
            'SalesForceModule::OAuth::ClientSecret' => $Secret{wrong_secret}
        }
    ],
    [
        'wrong password (OAuth password flow)',
        { SettingsForFake( $Fake, 'oauth-password' ), 'SalesForceModule::AuthPassword' => $Secret{wrong_password} }
    ],
    [
        'wrong refresh token',
        {
            SettingsForFake( $Fake, 'oauth-refresh-token' ),
            'SalesForceModule::OAuth::RefreshToken' => $Secret{wrong_refresh}
        }
    ],
    [
        'JWT with a bad key',
        { SettingsForFake( $Fake, 'oauth-jwt' ), 'SalesForceModule::OAuth::PrivateKeyFile' => $BadKey }
    ],
    [
        'JWT with a bad key as text',
        {
            SettingsForFake( $Fake, 'oauth-jwt' ),
            'SalesForceModule::OAuth::PrivateKeyFile' => '',
            'SalesForceModule::OAuth::PrivateKey'     => do { local ( @ARGV, $/ ) = ($BadKey); <> },
        }
    ],
    [
        'web proxy with credentials (unreachable)',
        { 'SalesForceModule::WebProxy' => "http://$ProxyUser:$Secret{proxy_password}\@127.0.0.1:9" }
    ],
    [
        'web proxy with credentials (option)', {},
        '--auth-webproxy', "http://$ProxyUser:$Secret{proxy_password}\@127.0.0.1:9"
    ],
);
for my $Case (@Wrong) {
    my ( $Where, $Settings, @Arguments ) = @{$Case};
    for my $Name (qw(SyncCompanies SyncCustomers)) {
        for my $JSON ( 0, 1 ) {
            my ($Exit) = $Command->( "$Name $Where", $Name, $Settings, @Arguments, ( $JSON ? '--json' : () ) );
            is( $Exit, 3, "$Name, $Where" . ( $JSON ? ' --json' : '' ) . ': exit 3' );
        }
    }
}

# every fault the fake can inject, in both commands
my @Faults = qw(http500 http503 drop drop_mid_body truncate slow invalid_session request_limit invalid_locator
    unknown_exception server_unavailable query_timeout invalid_login doctype entity_expansion latency);
for my $Fault (@Faults) {
    for my $Name (qw(SyncCompanies SyncCustomers)) {
        $Fake->Control( { clear_faults => JSON::PP::true } );
        $Fake->Control(
            {
                fault => $Fault,
                ( $Fault eq 'invalid_login'            ? ( on          => 'login' )        : () ),
                ( $Fault eq 'http503'                  ? ( retry_after => 1 )              : () ),
                ( $Fault =~ m{\A(?:latency|slow)\z}smx ? ( ms          => 5 )              : () ),
                ( $Name eq 'SyncCompanies'             ? ( always      => JSON::PP::true ) : ( count => 1 ) ),
            }
        );
        my ($Exit) = $Command->( "$Name fault $Fault", $Name, {}, '--json' );
        ok( defined $Exit, "$Name under fault $Fault: exit " . ( $Exit // 'undef' ) );
    }
}
for my $Control (
    [ 'login refused',    { login_refused              => JSON::PP::true }, { login_refused    => JSON::PP::false } ],
    [ 'password expired', { password_expired           => JSON::PP::true }, { password_expired => JSON::PP::false } ],
    [ 'expired sessions', { session_expire_after_calls => 1 },              { session_expire_after_calls => undef } ],
    )
{
    my ( $Where, $On, $Off ) = @{$Control};
    $Fake->Control( { clear_faults => JSON::PP::true } );
    $Fake->Control($On);
    for my $Name (qw(SyncCompanies SyncCustomers)) {
        my ($Exit) = $Command->( "$Name $Where", $Name, {}, '--json' );
        ok( defined $Exit, "$Name, $Where: exit " . ( $Exit // 'undef' ) );
    }
    $Fake->Control($Off);
}
$Fake->Control( { clear_faults => JSON::PP::true } );

# ------------------------------------------------------------ the API backend
my $API = sub {
    my ( $Where, $Settings, $Code ) = @_;
    %Kernel::Config::TestSettings = ( %Base, %{ $Settings || {} } );
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
    my ( $Out, $Err ) = ( '', '' );
    {
        local *STDOUT;
        local *STDERR;
        open STDOUT, '>:encoding(UTF-8)', \$Out or die $!;    ## no critic
        open STDERR, '>:encoding(UTF-8)', \$Err or die $!;    ## no critic
        my $Call = sub {
            my ( $Method, @Param ) = @_;
            my $Result;
            my $Ok = eval { $Result = $SalesForceObject->$Method(@Param); 1 };
            $Collect->( "$Where $Method: die",             $@ ) if !$Ok;
            $Collect->( "$Where $Method: GetErrorDetails", scalar $SalesForceObject->GetErrorDetails() );
            return $Result;
        };
        $Code->( $Call, $SalesForceObject );
        my $SessionID = eval { $SalesForceObject->GetSessionID() };
        push @SessionIDs, $SessionID if $SessionID;
    }

    # Debug output on the Perl side: an admin or developer dumping the object
    # (Data::Dumper, Kernel::System::Main::Dump) -- scanned separately below.
    push @Dumps, [ "$Where: Data::Dumper of the backend object", Data::Dumper->new( [$SalesForceObject] )->Dump() ];
    $Collect->( "$Where: STDOUT", $Out );
    $Collect->( "$Where: STDERR", $Err );
    return;
};

my $Methods = sub {
    my ($Call) = @_;
    $Call->('TestConnection');
    my $Page = $Call->( 'Query', Query => 'SELECT Id, Name FROM Account' );
    $Call->( 'DoQuery',   Query        => 'SELECT Id, Name, Owner.Email FROM Account' );
    $Call->( 'Query',     Query        => 'SELECT Id, NoSuchField FROM Account' );
    $Call->( 'Query',     Query        => 'SELEKT nonsense' );
    $Call->( 'QueryMore', QueryLocator => '01gBOGUS-200' );
    my ($ID) = map { $_->{Id} } @{ ( $Page && $Page->{records} ) || [] };
    $Call->(
        'Retrieve',
        Fields => 'Id, Name',
        Type   => 'Account',
        IDs    => [ $ID // '001000000000000AAA' ]
    );
    $Call->(
        'Retrieve',
        Fields => 'Id',
        Type   => 'NoSuchType',
        IDs    => ['001000000000000AAA']
    );
    my $Created = $Call->(
        'Create',
        Type => 'Account',
        Name => "Scan $Tag"
    );
    $Call->(
        'Create',
        Type  => 'Account',
        Phone => '1'
    );
    $Call->(
        'Update',
        Type => 'Account',
        Data => {
            id   => 'not-an-id',
            Name => 'x'
        }
    );
    $Call->( 'Delete',          IDs  => [ ( $Created && $Created->{id} ) || '001000000000000AAA' ] );
    $Call->( 'Delete',          IDs  => ['bogus'] );
    $Call->( 'DescribeSObject', Type => 'NoSuchType' );
    $Call->('GetUserInfo');
    $Call->('GetServerTimeStamp');
    $Call->(
        'SetPassword',
        UserID   => '005000000000000AAA',
        Password => $Secret{set_password}
    );
    $Call->('Logout');
    $Call->( 'Query', Query => 'SELECT Id FROM Account' );    # after logout
};
$API->( 'API soap-login', {}, $Methods );
for my $Flow (qw(oauth-client-credentials oauth-jwt oauth-password oauth-refresh-token)) {
    $API->( "API $Flow", { SettingsForFake( $Fake, $Flow ) }, $Methods );
}
for my $Case (@Wrong) {
    my ( $Where, $Settings ) = @{$Case};
    $API->(
        "API $Where", $Settings,
        sub { $_[0]->('TestConnection'); $_[0]->( 'Query', Query => 'SELECT Id FROM Account' ) }
    );
}
for my $Fault (@Faults) {
    $Fake->Control( { clear_faults => JSON::PP::true } );
    $Fake->Control(
        {
            fault  => $Fault,
            always => JSON::PP::true,
            ( $Fault =~ m{\A(?:latency|slow)\z}smx ? ( ms => 5 ) : () )
        }
    );
    $API->( "API fault $Fault", {}, sub { $_[0]->( 'Query', Query => 'SELECT Id FROM Account' ) } );
}
$Fake->Control( { clear_faults => JSON::PP::true } );
ok( scalar @SessionIDs >= 5, scalar(@SessionIDs) . ' session ids / access tokens issued to the backend collected' );

# ------------------------------------------------------------ scan
close STDOUT;
close STDERR;
open STDOUT, '>&', $SavedOut or die $!;    ## no critic
open STDERR, '>&', $SavedErr or die $!;    ## no critic

# Every field of every Log entry, the Traceback too (like OTRS's, it lists
# functions and lines, never the call arguments such as the value given to
# Execute('--auth-password', ...) or SetPassword).
$Collect->(
    'log entry',
    map { JSON::PP->new()->canonical(1)->encode($_) } @Kernel::System::Log::AllEntries
);
ok(
    ( grep { ( $_->{Traceback} // '' ) =~ m{Module: \S+ Line: \d+} } @Kernel::System::Log::AllEntries ),
    'the log entries have tracebacks (scanned above)'
);
{
    local $/;
    open my $FH, '<', $FDFile or die $!;    ## no critic
    $Collect->( 'file descriptors 1 and 2', scalar <$FH> );
    close $FH;
}
$Collect->( "fake's stderr (request log)", $Fake->StderrText() );
File::Find::find(
    {
        no_chdir => 1,
        wanted   => sub {
            return if !-f $_ || $_ eq $FDFile || $_ eq $BadKey;
            local $/;
            open my $FH, '<', $_ or return;    ## no critic
            $Collect->( "file $_", scalar <$FH> );
            close $FH;
        }
    },
    $Home
);

my @Plain = ( values(%Secret), $Secret{password} . $Secret{security_token}, @KeyLines, @SessionIDs );
my %Needles;
for my $Value (@Plain) {
    my $URL  = $Value =~ s{([^A-Za-z0-9\-._~])}{sprintf '%%%02X', ord $1}ger;
    my $Form = $Value =~ s{([^A-Za-z0-9\-._~ ])}{sprintf '%%%02X', ord $1}ger =~ tr{ }{+}r;
    my $XML  = $Value =~ s{&}{&amp;}gr =~ s{<}{&lt;}gr =~ s{>}{&gt;}gr;
    my $JSON = JSON::PP->new()->allow_nonref(1)->encode($Value) =~ s{\A"|"\z}{}gr;
    $Needles{$_} = $Value for $Value, $URL, lc $URL, $Form, $XML, $JSON, $Value =~ s{/}{\\/}gr;
    $Needles{ encode_base64( $Value, '' ) =~ s{=+\z}{}r } = $Value if length $Value >= 8;
}
for my $Pair (
    [ $ProxyUser, $Secret{proxy_password} ],
    [ $ClientID,  $Secret{client_secret} ],
    [ $Username,  $Secret{password} ],
    [ $Username,  $Secret{password} . $Secret{security_token} ]
    )
{
    my $Basic = encode_base64( "$Pair->[0]:$Pair->[1]", '' );
    $Needles{$Basic} = "$Pair->[0]:<secret>";
    my $Encoded = join ':', map {s{([^A-Za-z0-9\-._~])}{sprintf '%%%02X', ord $1}ger} @{$Pair};
    $Needles{ encode_base64( $Encoded, '' ) } = "$Pair->[0]:<secret> (URL-encoded)";
}

my @Hits;
my $Bytes = 0;
for my $Entry (@Texts) {
    my ( $Where, $Text ) = @{$Entry};
    $Bytes += length $Text;
    for my $Needle ( sort keys %Needles ) {
        next if length $Needle < 6;
        push @Hits, "$Where: '$Needles{$Needle}' (as '$Needle')" . ( $ENV{SCAN_VERBOSE} ? " in: $Text" : '' )
            if index( $Text, $Needle ) >= 0;
    }
    if ( $Text =~ m{($TokenShape)}smx ) {
        push @Hits, "$Where: something shaped like a session id / access token: '" . substr( $1, 0, 24 ) . "...'";
    }
}
note "scanned $Bytes characters in " . scalar(@Texts) . ' texts from ' . $Commands . ' command runs for '
    . scalar( keys %Needles ) . ' needles (' . scalar(@Plain) . ' secrets and issued tokens)';
note 'command exit codes: ' . join ', ', map {"$_=$Exits{$_}"} sort keys %Exits;
ok( $Bytes > 10_000,  "scanned $Bytes characters" );
ok( $Commands >= 100, "$Commands console command runs" );
is( scalar @Hits, 0, 'no secret, session id or access token in any output, log entry, error or file' )
    or diag join "\n", @Hits[ 0 .. ( $#Hits > 29 ? 29 : $#Hits ) ];

# Debug output of the Perl object: Kernel::System::SalesForce keeps its secrets
# (secret parameters, the values it hides from messages) outside the object.
{
    my @DumpHits;
    for my $Entry (@Dumps) {
        my ( $Where, $Text ) = @{$Entry};
        for my $Needle ( sort keys %Needles ) {
            next if length $Needle < 6;
            push @DumpHits, "$Where: '$Needles{$Needle}'" if index( $Text, $Needle ) >= 0;
        }
    }
    is( scalar @DumpHits, 0, 'no secret in a Data::Dumper of the backend object' )
        or diag join "\n", @DumpHits[ 0 .. ( $#DumpHits > 4 ? 4 : $#DumpHits ) ];
}

# the scanner itself finds what it looks for
{
    my $Probe = "x $Needles{ ( sort keys %Needles )[0] } y";
    ok( ( grep { index( $Probe, $_ ) >= 0 } keys %Needles ), 'self-check: a planted secret is found' );
    ok( "login ok, sid $SessionIDs[0]" =~ $TokenShape,       'self-check: a planted session id is found by its shape' )
        if @SessionIDs;
}

undef $Fake;
done_testing();
