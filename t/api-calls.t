# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Every method of Kernel::System::SalesForce through SalesForce::XS and the Rust
# client against the fake Salesforce org, over HTTPS (its CA given via
# SalesForceModule::CAFile).

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)
use utf8;

use POSIX ();
use Test::More;

use Kernel::System::ObjectManager;
use SalesForceTest::Backend qw(SettingsForFake SecretsOfFake NoSecretsLogged XSAvailable LogMessages);
use SalesForceTest::Fake;

plan skip_all => 'fake-salesforce not built' if !SalesForceTest::Fake->Available();
plan skip_all => 'SalesForce::XS not built'  if !XSAvailable();

$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

my $Fake = SalesForceTest::Fake->new(
    Args => [ '--generate', 'accounts=50,owners=5,contacts=80,leads=5,deleted=3', '--tls' ],
);
my $Info    = $Fake->{Info};
my @Secrets = SecretsOfFake($Fake);
ok( $Info->{ca_file} && -r $Info->{ca_file}, 'the fake runs with TLS and gives its CA file' );
like( $Info->{soap_login_url}, qr{\Ahttps://127\.0\.0\.1:\d+/}, 'the fake listens on 127.0.0.1 over HTTPS' );

%Kernel::Config::TestSettings = SettingsForFake( $Fake, 'soap-login' );
local $Kernel::OM = Kernel::System::ObjectManager->new();
my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
my $LogObject        = $Kernel::OM->Get('Kernel::System::Log');

my $NoError = sub {
    my ($Name) = @_;
    is( $LogObject->GetLogEntry( Type => 'error' ), '', "$Name: nothing logged at error" )
        or diag explain $SalesForceObject->GetErrorDetails();
    $LogObject->EntriesClear();
    return;
};

# --- TestConnection ---
my $Connection = $SalesForceObject->TestConnection();
ok( $Connection, 'TestConnection succeeds' ) or diag explain $SalesForceObject->GetErrorDetails();
is( $Connection->{UserID},     $Info->{user_id},  'TestConnection: user id' );
is( $Connection->{UserName},   $Info->{username}, 'TestConnection: user name' );
is( $Connection->{OrgID},      $Info->{org_id},   'TestConnection: org id' );
is( $Connection->{APIVersion}, '64.0',            'TestConnection: API version in use' );
is( $Connection->{AuthFlow},   'soap-login',      'TestConnection: flow' );
ok( $Connection->{OrgName}, 'TestConnection: org name' );
cmp_ok( $Connection->{APIUsage}->{APICalls}, '>=', 1, 'TestConnection: API usage counts calls' );
cmp_ok( $Connection->{APIUsage}->{Logins},   '>=', 1, 'TestConnection: API usage counts logins' );
my $ConnectionText = join ' ', map { defined $_ ? $_ : '' } %{$Connection}, %{ $Connection->{APIUsage} };
unlike( $ConnectionText, qr/\Q$Info->{password}\E/, 'TestConnection holds no password' );
$NoError->('TestConnection');

# --- Query / DoQuery / QueryAll / DoQueryAll ---
my $Page = $SalesForceObject->Query( Query => 'SELECT Id, Name, Owner.Name FROM Account' );
ok( $Page, 'Query succeeds' );
is( $Page->{done},                'true',        'Query: done is the string true for a single page' );
is( $Page->{queryLocator},        undef,         'Query: no locator on the last page' );
is( $Page->{size},                47,            'Query: size counts the 47 live accounts (50 generated, 3 deleted)' );
is( scalar @{ $Page->{records} }, $Page->{size}, 'Query: all records on the page' );
my ($First) = @{ $Page->{records} };
is( $First->{type}, 'Account', 'record has its type' );
like( $First->{Id}, qr/\A001[A-Za-z0-9]{15}\z/, 'record Id is one 18-character string' );
ok( ref $First->{Owner} eq 'HASH' && $First->{Owner}->{Name}, 'parent fields are nested (Owner.Name)' );

my $Legacy = $SalesForceObject->Query(
    Query     => 'SELECT Id, Name FROM Account',
    IdAsArray => 1
);
is_deeply(
    $Legacy->{records}->[0]->{Id}, [ ( $Legacy->{records}->[0]->{Id}->[0] ) x 2 ],
    'IdAsArray gives the original [ Id, Id ]'
);

my $All = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name FROM Account' );
is( ref $All,       'ARRAY', 'DoQuery returns an array reference' );
is( scalar @{$All}, 47,      'DoQuery returns all records' );

my $WithDeleted = $SalesForceObject->DoQueryAll( Query => 'SELECT Id, Name, IsDeleted FROM Account' );
is( scalar @{$WithDeleted}, 50, 'DoQueryAll includes the deleted records' );
my $AllPage = $SalesForceObject->QueryAll( Query => 'SELECT Id FROM Account WHERE IsDeleted = true' );
is( $AllPage->{size}, 3, 'QueryAll finds the deleted records' );
$NoError->('queries');

# --- Search ---
my $Name   = $First->{Name};
my ($Word) = $Name =~ m{([A-Za-z]{4,})};
my $Found  = $SalesForceObject->Search( SearchString => "FIND {$Word} IN NAME FIELDS RETURNING Account(Id, Name)" );
ok( $Found,                                                       'Search succeeds' );
ok( ( grep { $_->{Id} eq $First->{Id} } @{ $Found->{records} } ), "Search finds '$Word'" );
is( $Found->{searchRecords}->[0]->{record}, $Found->{records}->[0], 'Search gives searchRecords like the original' );
$NoError->('Search');

# --- Retrieve ---
my @TwoIDs    = map { $_->{Id} } @{ $Page->{records} }[ 0, 1 ];
my $Retrieved = $SalesForceObject->Retrieve(
    Fields => 'Id, Name',
    Type   => 'Account',
    IDs    => \@TwoIDs
);
is( $Retrieved->{Name}, $Name, 'Retrieve (scalar context) gives the first record' );
my @Retrieved = $SalesForceObject->Retrieve(
    Fields => [ 'Id', 'Name' ],
    Type   => 'Account',
    IDs    => \@TwoIDs
);
is_deeply( [ map { $_->{Id} } @Retrieved ], \@TwoIDs, 'Retrieve (list context) gives all, in order' );
$NoError->('Retrieve');

# --- Create / Update / UpSert / Delete, each seen through a query ---
my $Special = q{Perl & <Test> 'Ümlaut' Co};
my $Created = $SalesForceObject->Create(
    Type  => 'Account',
    Name  => $Special,
    Phone => '+49 30 1234'
);
is( $Created->{success}, 'true', 'Create: success is the string true' );
like( $Created->{id}, qr/\A001/, 'Create: new Account id' );
my $NewID = $Created->{id};
my $Seen  = $SalesForceObject->Query( Query => "SELECT Id, Name, Phone FROM Account WHERE Id = '$NewID'" );
is( $Seen->{records}->[0]->{Name},  $Special,      'Create: the name round-trips (&, <, quote, umlaut)' );
is( $Seen->{records}->[0]->{Phone}, '+49 30 1234', 'Create: other fields are stored' );

my @CreatedTwo = $SalesForceObject->Create(
    Type    => 'Contact',
    Records => [ { LastName => 'One' }, { LastName => 'Two' } ]
);
is( scalar @CreatedTwo, 2, 'Create with Records (list context) gives one result per record' );
ok( ( !grep { $_->{success} ne 'true' } @CreatedTwo ), 'both Contacts created' );

my $Updated = $SalesForceObject->Update(
    Type => 'Account',
    Data => {
        id    => $NewID,
        Name  => 'Renamed',
        Phone => undef
    }
);
is( $Updated->{success}, 'true', 'Update succeeds' );
$Seen = $SalesForceObject->Query( Query => "SELECT Id, Name, Phone FROM Account WHERE Id = '$NewID'" );
is( $Seen->{records}->[0]->{Name},  'Renamed', 'Update: the new name is seen' );
is( $Seen->{records}->[0]->{Phone}, undef,     'Update: undef empties a field (fieldsToNull)' );

my $UpSerted = $SalesForceObject->UpSert(
    Type => 'Account',
    Key  => 'Id',
    Data => {
        id   => $NewID,
        Name => 'UpSerted'
    }
);
is( $UpSerted->{success}, 'true',  'UpSert of an existing record succeeds' );
is( $UpSerted->{created}, 'false', 'UpSert: created is false for an update' );
$Seen = $SalesForceObject->Query( Query => "SELECT Name FROM Account WHERE Id = '$NewID'" );
is( $Seen->{records}->[0]->{Name}, 'UpSerted', 'UpSert: the change is seen' );
my @UpSertedTwo = $SalesForceObject->UpSert(
    Type => 'Account',
    Data => [
        { name => 'UpSert new' },
        {
            id   => $NewID,
            name => 'UpSerted again'
        }
    ],
);
is_deeply(
    [ map { $_->{created} } @UpSertedTwo ], [ 'true', 'false' ],
    'UpSert on Id: without id created, with id updated, results in input order'
);
is( $UpSertedTwo[1]->{id}, $NewID, 'UpSert: the second result is the updated record' );
$Seen = $SalesForceObject->Query( Query => "SELECT Id FROM Account WHERE Name = 'UpSert new'" );
is(
    $Seen->{records}->[0]->{Id},
    $UpSertedTwo[0]->{id},
    'UpSert: the new record exists (field names as the original wrote them)'
);
$NoError->('Create/Update/UpSert');

my $Refused = $SalesForceObject->Create(
    Type  => 'Account',
    Phone => '1'
);
is( $Refused->{success}, 'false', 'Create without Name: success is the string false' );
is(
    $SalesForceObject->GetErrorDetails( Result => $Refused )->{statusCode},
    'REQUIRED_FIELD_MISSING', 'GetErrorDetails(Result) gives the record error'
);
is( $SalesForceObject->GetErrorDetails()->{Name}, 'RECORD_ERROR', 'GetErrorDetails() knows the refused record' );
like(
    $LogObject->GetLogEntry( Type => 'error' ), qr/Create: record 1 refused: REQUIRED_FIELD_MISSING/,
    'a refused record is logged'
);
$LogObject->EntriesClear();

my $Deleted = $SalesForceObject->Delete( IDs => [$NewID] );
is( $Deleted->{success}, 'true', 'Delete succeeds' );
is( $Deleted->{id},      $NewID, 'Delete: result names the id' );
$Seen = $SalesForceObject->Query( Query => "SELECT Id FROM Account WHERE Id = '$NewID'" );
is( $Seen->{size}, 0, 'Delete: the record is gone from Query' );
$Seen = $SalesForceObject->QueryAll( Query => "SELECT Id, IsDeleted FROM Account WHERE Id = '$NewID'" );
is( $Seen->{size}, 1, 'Delete: QueryAll still sees it (recycle bin)' );
$NoError->('Delete');

# --- Describe* ---
my $Global = $SalesForceObject->DescribeGlobal();
ok( ( grep { $_->{name} eq 'Account' } @{ $Global->{sobjects} } ), 'DescribeGlobal lists Account' );
my $Tables = $SalesForceObject->GetTables();
ok( ( grep { $_ eq 'Account' } @{$Tables} ) && ( grep { $_ eq 'Contact' } @{$Tables} ), 'GetTables lists names' );
my $Describe = $SalesForceObject->DescribeSObject( Type => 'Account' );
is( $Describe->{name}, 'Account', 'DescribeSObject names the type' );
ok( ( grep { $_->{name} eq 'Name' } @{ $Describe->{fields} } ), 'DescribeSObject lists the Name field' );
my $Fields = $SalesForceObject->GetFieldList( TableName => 'Contact' );
ok( ( grep { $_->{name} eq 'LastName' } @{$Fields} ), 'GetFieldList gives the fields' );
my @Described = $SalesForceObject->DescribeSObjects( Type => [ 'Account', 'Contact' ] );
is_deeply( [ map { $_->{name} } @Described ], [ 'Account', 'Contact' ], 'DescribeSObjects (list context)' );
is(
    scalar( $SalesForceObject->DescribeSObjects( Type => ['Contact'] ) )->{name}, 'Contact',
    'DescribeSObjects (scalar context) gives the first'
);
my $Layout = $SalesForceObject->DescribeLayout( Type => 'Account' );
is( ref $Layout, 'HASH', 'DescribeLayout gives a hash' );
my @Tabs = $SalesForceObject->DescribeTabs();
ok( !grep( { ref $_ ne 'HASH' } @Tabs ), 'DescribeTabs gives tab sets' );
$NoError->('Describe');

# --- user, time ---
my $UserInfo = $SalesForceObject->GetUserInfo();
is( $UserInfo->{userId},   $Info->{user_id},  'GetUserInfo: userId' );
is( $UserInfo->{userName}, $Info->{username}, 'GetUserInfo: userName' );
my $Stamp = $SalesForceObject->GetServerTimeStamp();
like( $Stamp->{timestamp}, qr/\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\z/, 'GetServerTimeStamp' );
is( $SalesForceObject->GetUserID(),   $Info->{user_id},  'GetUserID' );
is( $SalesForceObject->GetUserName(), $Info->{username}, 'GetUserName' );
my $SessionID = $SalesForceObject->GetSessionID();
ok( $SessionID && length $SessionID > 10, 'GetSessionID gives the session id' );
push @Secrets, $SessionID if $SessionID;
$NoError->('user and time');

# --- GetUpdated / GetDeleted ---
# Salesforce covers changes up to the last full minute, so the Account created
# above is dated back ten minutes (through the fake's data hook) to be covered.
my $Kept = $SalesForceObject->Create(
    Type => 'Account',
    Name => 'Changed earlier'
);
$Fake->Data(
    { update => [ { Id => $Kept->{id}, SystemModstamp => $SalesForceObject->SFDate( Time => time - 600 ) } ] }
);
my $Start   = $SalesForceObject->SFDate( Time => time - 14 * 86400 );
my $End     = $SalesForceObject->SFDate( Time => time + 120 );
my $Changed = $SalesForceObject->GetUpdated(
    Type  => 'Account',
    Start => $Start,
    End   => $End
);
ok( $Changed, 'GetUpdated succeeds' ) or diag explain $SalesForceObject->GetErrorDetails();
ok( ( grep { $_ eq $Kept->{id} } @{ $Changed->{ids} || [] } ), 'GetUpdated lists the changed Account' );
like(
    $Changed->{latestDateCovered}, qr/\A\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z\z/,
    'GetUpdated: latestDateCovered (a full minute)'
);

my %DeletedID = map { $_->{Id} => 1 }
    @{ $SalesForceObject->DoQueryAll( Query => 'SELECT Id FROM Account WHERE IsDeleted = true' ) };
my $Gone = $SalesForceObject->GetDeleted(
    Type  => 'Account',
    Start => $Start,
    End   => $End
);
ok( $Gone, 'GetDeleted succeeds' ) or diag explain $SalesForceObject->GetErrorDetails();
my @GoneRecords = @{ $Gone->{deletedRecords} || [] };
ok( scalar @GoneRecords, 'GetDeleted lists the deleted Accounts of the last 14 days' );
is(
    ( grep { !$DeletedID{ $_->{id} } || !$_->{deletedDate} } @GoneRecords ), 0,
    'GetDeleted: each is a deleted Account, with its deletedDate'
);
ok( $Gone->{earliestDateAvailable} && $Gone->{latestDateCovered}, 'GetDeleted: the covered dates' );
$NoError->('GetUpdated/GetDeleted');

# --- ConvertLead ---
my $Leads = $SalesForceObject->DoQuery( Query => 'SELECT Id FROM Lead WHERE IsConverted = false' );
ok( $Leads && @{$Leads}, 'the fake has leads' );
my $Converted = $SalesForceObject->ConvertLead(
    LeadID                 => [ $Leads->[0]->{Id} ],
    ConvertedStatus        => 'Closed - Converted',
    DoNotCreateOpportunity => 1,
);
is( $Converted->{success}, 'true', 'ConvertLead succeeds' ) or diag explain $Converted;
like( $Converted->{accountId}, qr/\A001/, 'ConvertLead: Account created' );
like( $Converted->{contactId}, qr/\A003/, 'ConvertLead: Contact created' );
$NoError->('ConvertLead');

# --- SetPassword / ResetPassword (secrets: never logged), on another user ---
my $Other = $SalesForceObject->DoQuery( Query => "SELECT Id FROM User WHERE Id != '$Info->{user_id}'" );
ok( $Other && @{$Other}, 'the fake has other users' );
my $OtherID     = $Other->[0]->{Id};
my $NewPassword = 'Set-By-Test-9a!';
push @Secrets, $NewPassword;
is(
    $SalesForceObject->SetPassword(
        UserID   => $OtherID,
        Password => $NewPassword
    ),
    1,
    'SetPassword'
);
my $Reset = $SalesForceObject->ResetPassword( UserID => $OtherID );
ok( $Reset && $Reset->{password}, 'ResetPassword gives the new password' );
push @Secrets, $Reset->{password} if $Reset && $Reset->{password};
$NoError->('passwords');

# --- GetErrorDetails after a failed call ---
is( $SalesForceObject->Query( Query => 'SELECT NoSuchField__x FROM Account' ), undef, 'a bad query returns undef' );
my $Error = $SalesForceObject->GetErrorDetails();
is( $Error->{Function}, 'Query',         'GetErrorDetails: function' );
is( $Error->{SFCode},   'INVALID_FIELD', 'GetErrorDetails: Salesforce error code' );
ok( $Error->{Code} > 0, 'GetErrorDetails: sf_result code' );
like( $Error->{Message},                          qr/NoSuchField__x/,                'GetErrorDetails: message' );
like( $LogObject->GetLogEntry( Type => 'error' ), qr/Query failed: .*INVALID_FIELD/, 'the failure is logged' );
$LogObject->EntriesClear();

# --- Call (pass-through) ---
my $Usage = $SalesForceObject->Call( Method => 'usage' );
cmp_ok( $Usage->{api_calls}, '>', 10, 'Call(usage) passes through' );
my $Rest = $SalesForceObject->Call(
    Method => 'rest_query',
    Args   => { soql => 'SELECT Id FROM Account LIMIT 5' }
);
is( scalar @{ $Rest->{records} },                        5,     'Call(rest_query) passes arguments through' );
is( $SalesForceObject->Call( Method => 'noSuchMethod' ), undef, 'Call of an unknown method returns undef' );
like( $SalesForceObject->GetErrorDetails()->{Name}, qr/UNKNOWN/i, 'unknown method error kind' );
$LogObject->EntriesClear();

# --- Logout: the next call signs in again ---
is( $SalesForceObject->Logout(), 1, 'Logout' );
ok( !$SalesForceObject->{Client}, 'Logout drops the client' );
my $Again = $SalesForceObject->GetUserInfo();
is( $Again && $Again->{userId}, $Info->{user_id}, 'after Logout the next call signs in again' );
my $NewSession = $SalesForceObject->GetSessionID();
push @Secrets, $NewSession if $NewSession;
isnt( $NewSession, $SessionID, 'a new session after Logout' );
$NoError->('Logout');

# --- the client is made once and reused ---
my $Client = $SalesForceObject->{Client};
$SalesForceObject->GetServerTimeStamp();
is( $SalesForceObject->{Client},                    $Client,           'the client is reused by the object' );
is( $Kernel::OM->Get('Kernel::System::SalesForce'), $SalesForceObject, 'the object manager gives the same object' );

# --- fork (the OTRS daemon forks one child per task): the object works in the child ---
{
    my $PID = fork();
    die "fork failed: $!" if !defined $PID;
    if ( !$PID ) {
        alarm 60;
        my $ChildPage = $SalesForceObject->Query( Query => 'SELECT Id FROM Account' );
        POSIX::_exit( $ChildPage && $ChildPage->{size} > 0 ? 0 : 1 );
    }
    waitpid( $PID, 0 );
    is( $?, 0, 'a forked child queries with the parent\'s object' );
    my $ParentPage = $SalesForceObject->Query( Query => 'SELECT Id FROM Account' );
    ok( $ParentPage && $ParentPage->{size} > 0, 'the parent still queries after the fork' );
}

NoSecretsLogged( \@Secrets, 'all calls', values %{ $SalesForceObject->GetErrorDetails() || {} } );

done_testing();
