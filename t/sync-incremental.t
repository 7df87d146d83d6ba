# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Incremental runs give OTRS what full runs give it. Two OTRS stand-ins follow
# the same fake org through one history of changes: A with the default
# (incremental once a full run succeeded), B with --full every time. After each
# step both syncs run in both, and their customer tables must be equal. Also:
# the kind of run and its reason in the report, the API calls of an unchanged
# run, the full-run interval, the 15-day limit, and that a dry run does not
# move the watermark.

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use File::Temp qw(tempdir);
use JSON::PP();
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Fake  = SalesForceTest::Sync->StartFake( Generate => 'accounts=60,owners=6,contacts=40' );
my $HomeA = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => {
        'SalesForceModule::Companies::Where'                                       => "Type != 'Excluded'",
        'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity',
        'SalesForceModule::Companies::DeleteOld'                                   => '001*',
        'SalesForceModule::Customers::Mode'                                        => 'AccountOwner',
    },
);
my $HomeB = tempdir( CLEANUP => 1 );

use Kernel::System::ObjectManager;
my %OTRS = (
    A => { Home => $HomeA },
    B => { Home => $HomeB },
);
for my $Name ( sort keys %OTRS ) {
    local $ENV{SALESFORCE_TEST_HOME} = $OTRS{$Name}->{Home};
    $OTRS{$Name}->{OM} = Kernel::System::ObjectManager->new();
    $OTRS{$Name}->{OM}->Get('Kernel::Config');    # reads its home now
}

# Runs a sync command in one of the two OTRS; returns the exit code and report.
my $Run = sub {
    my ( $Name, $Command, @Arguments ) = @_;
    local $ENV{SALESFORCE_TEST_HOME} = $OTRS{$Name}->{Home};
    local $Kernel::OM = $OTRS{$Name}->{OM};
    my ( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
        Command   => $Command,
        Arguments => [ '--json', ( $Name eq 'B' ? '--full' : () ), @Arguments ],
    );
    diag $Err if $Exit;
    return ( $Exit, $Report );
};

# The customer tables of one OTRS, without times and the users who wrote.
my $Tables = sub {
    my ($Name)   = @_;
    my $DBObject = $OTRS{$Name}->{OM}->Get('Kernel::System::DB');
    my $JSON     = JSON::PP->new()->canonical();
    my %Tables;
    for my $Table (qw(customer_company customer_user customer_user_customer)) {
        $Tables{$Table} = [
            sort map {
                my %Row = %{$_};
                delete @Row{ grep {m{(?:_time|_by)\z}xms} keys %Row };
                $JSON->encode( \%Row );
            } @{ $DBObject->StandInRows($Table) }
        ];
    }
    return \%Tables;
};

# Syncs companies, then customers, in A and B; checks both end equal.
# Returns A's two reports.
my $Step = sub {
    my ($What) = @_;
    my @ReportsA;
    for my $Command (qw(SyncCompanies SyncCustomers)) {
        my ( $ExitA, $ReportA ) = $Run->( 'A', $Command );
        my ( $ExitB, $ReportB ) = $Run->( 'B', $Command );
        is( $ExitA,                  $ExitB, "$What: $Command exits alike ($ExitA)" );
        is( $ReportB->{run}->{kind}, 'full', "$What: $Command in B is a full run" );
        push @ReportsA, $ReportA;
    }
    is_deeply( $Tables->('A'), $Tables->('B'), "$What: OTRS A (incremental) equals OTRS B (full)" );
    return @ReportsA;
};

# Between runs the test itself works in A (e.g. to read the fake org).
$Kernel::OM = $OTRS{A}->{OM};
my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
my $Accounts         = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name, OwnerId FROM Account ORDER BY Id' );
ok( $Accounts && @{$Accounts} >= 60, 'the fake org has Accounts' ) or BAIL_OUT('no Accounts');
my $Data = sub {
    my ( $Changes, $What ) = @_;
    ok(
        SalesForceTest::Sync->FakeData(
            Fake => $Fake,
            Data => $Changes
        ),
        $What
    );
};

# ------------------------------------------------------------ the first runs are full
my ( $Companies, $Customers ) = $Step->('first runs');
is( $Companies->{run}->{kind}, 'full', 'the first run in A is full' );
like( $Companies->{run}->{reason}, qr/no earlier full run/, '... because there is nothing to build on' );
ok( $Companies->{counts}->{created} > 40, '... and creates the companies' );

# ------------------------------------------------------------ nothing changed
( $Companies, $Customers ) = $Step->('unchanged org');
is( $Companies->{run}->{kind},       'incremental', 'the next run in A is incremental' );
is( $Companies->{run}->{changed},    0,             '... reads no record' );
is( $Companies->{fetch}->{records},  0,             '... fetches no record' );
is( $Companies->{counts}->{created}, 0,             '... creates nothing' );
ok( $Companies->{counts}->{unchanged} > 40, '... and counts every company unchanged' );
ok( $Companies->{fetch}->{api_calls} <= 4,  "... with at most 4 API calls ($Companies->{fetch}->{api_calls})" );
is( $Customers->{run}->{kind}, 'incremental', 'the customer sync is incremental too' );

# ------------------------------------------------------------ a history of changes
my ( $Renamed, $Deleted, $Excluded, $OwnerChanged ) = @{$Accounts}[ 1, 2, 3, 4 ];
$Data->(
    { update => [ { Id => $Renamed->{Id}, Name => 'Renamed Incremental GmbH', BillingCity => 'Bonn' } ] },
    'an Account renamed'
);
$Data->(
    { update => [ { Id => $Excluded->{Id}, Type => 'Excluded' } ] },
    'an Account leaves Where'
);
$Data->( { delete => [ $Deleted->{Id} ] }, 'an Account deleted' );
$Data->(
    { create => [ { type => 'Account', Name => 'Brand New Incremental AG', OwnerId => $OwnerChanged->{OwnerId} } ] },
    'an Account created'
);
$Data->(
    { update => [ { Id => $OwnerChanged->{OwnerId}, Email => 'changed.owner@demo-crm.net' } ] },
    "an owner's e-mail changed (the Account does not change)"
);

( $Companies, $Customers ) = $Step->('after the changes');
is( $Companies->{run}->{kind}, 'incremental', 'the run in A is incremental' );
ok(
    $Companies->{run}->{changed} >= 2 && $Companies->{run}->{changed} < 20,
    "... reads only the changed Accounts and those of the changed owner ($Companies->{run}->{changed})"
);
is( $Companies->{run}->{deleted},    1, '... sees the deletion' );
is( $Companies->{run}->{left_where}, 1, '... and the Account that left Where' );
is( $Companies->{counts}->{created}, 1, '... creates the new company' );
ok( $Companies->{counts}->{invalidated} >= 2, '... and cleans up the two gone ones' );
ok( $Customers->{counts}->{updated} >= 1,     'the owner with the new e-mail is updated' );

# ------------------------------------------------------------ a dry run does not move the watermark
$Data->(
    { update => [ { Id => $Renamed->{Id}, BillingCity => 'Koeln' } ] },
    'an Account changed again'
);
my ( $Exit, $Dry ) = $Run->( 'A', 'SyncCompanies', '--dry-run' );
is( $Dry->{run}->{kind}, 'incremental', 'a dry run is incremental too' );
my ( undef, $After ) = $Run->( 'A', 'SyncCompanies' );
is( $After->{run}->{since},      $Dry->{run}->{since}, 'the real run after it reads from the same watermark' );
is( $After->{counts}->{updated}, 1,                    '... and applies the change' );
$Step->('after a dry run');

# ------------------------------------------------------------ Salesforce refuses the window
# More deletions than getDeleted may list (EXCEEDED_ID_LIMIT): the run is full
# and says why.
$Data->( { delete => [ $Accounts->[30]->{Id} ] }, 'an Account deleted' );
ok( $Fake->Control( { clock => { advance_seconds => 120 } } ), 'two minutes later (getDeleted covers whole minutes)' );
ok( $Fake->Control( { replication_id_limit => 0 } ),           'getDeleted may list no id' );
( $Companies, $Customers ) = $Step->('getDeleted refused');
is( $Companies->{run}->{kind}, 'full', 'when getDeleted is refused the run is full' );
like( $Companies->{run}->{reason}, qr/EXCEEDED_ID_LIMIT/, '... and names the reason' );
ok( $Fake->Control( { replication_id_limit => 600000 } ), 'getDeleted limit back to normal' );

# ------------------------------------------------------------ Contact mode
# Two more OTRS, C (incremental) and D (full), syncing Contacts: a Contact's
# e-mail, its Account, AccountContactRelation rows added and removed, a
# Contact deleted.
for my $Name (qw(C D)) {
    $OTRS{$Name}->{Home} = tempdir( CLEANUP => 1 );
    local $ENV{SALESFORCE_TEST_HOME} = $OTRS{$Name}->{Home};
    $OTRS{$Name}->{OM} = Kernel::System::ObjectManager->new();
    $OTRS{$Name}->{OM}->Get('Kernel::Config')->Set(
        Key   => 'SalesForceModule::Customers::Mode',
        Value => 'Contact',
    );
}
my $ContactStep = sub {
    my ($What) = @_;
    my ( $ExitC, $ReportC ) = $Run->( 'C', 'SyncCustomers' );
    my ( $ExitD, $ReportD ) = $Run->( 'D', 'SyncCustomers', '--full' );
    is( $ExitC, $ExitD, "Contact mode, $What: exits alike ($ExitC)" );
    is_deeply( $Tables->('C'), $Tables->('D'), "Contact mode, $What: OTRS C (incremental) equals OTRS D (full)" );
    return $ReportC;
};
my $ReportC = $ContactStep->('first runs');
ok( $ReportC->{counts}->{created} > 20, 'Contact mode: the first run creates the customer users' );
$ReportC = $ContactStep->('unchanged org');
is( $ReportC->{run}->{kind},    'incremental', 'Contact mode: the next run is incremental' );
is( $ReportC->{run}->{changed}, 0,             '... and reads no Contact' );

# Contacts that are customer users in D.
my %Synced   = map { $_->{login} => 1 } @{ $OTRS{D}->{OM}->Get('Kernel::System::DB')->StandInRows('customer_user') };
my $Contacts = [
    grep { $Synced{ $_->{Id} } }
        @{
        $SalesForceObject->DoQuery( Query => 'SELECT Id, AccountId FROM Contact WHERE AccountId != null ORDER BY Id' )
        }
];
my $Relations
    = $SalesForceObject->DoQuery( Query => 'SELECT Id, ContactId, AccountId FROM AccountContactRelation ORDER BY Id' );
ok( @{$Contacts} >= 5 && @{$Relations} >= 1, 'the fake org has Contacts and AccountContactRelation rows' );
my ( $Mailed, $Moved, $Related, $Gone ) = @{$Contacts}[ 0, 1, 2, 3 ];
my ($OtherAccount)
    = grep { $_->{Id} ne $Moved->{AccountId} && $_->{Id} ne $Related->{AccountId} } @{$Accounts}[ 10 .. 20 ];
$Data->(
    { update => [ { Id => $Mailed->{Id}, Email => 'new.address@demo-crm.net' } ] },
    "a Contact's e-mail changed"
);
$Data->(
    { update => [ { Id => $Moved->{Id}, AccountId => $OtherAccount->{Id} } ] },
    'a Contact moved to another Account'
);
$Data->(
    {
        create =>
            [ { type => 'AccountContactRelation', ContactId => $Related->{Id}, AccountId => $OtherAccount->{Id} } ]
    },
    'an AccountContactRelation added'
);
$Data->( { delete => [ $Relations->[-1]->{Id} ] }, 'an AccountContactRelation removed' );
$Data->( { delete => [ $Gone->{Id} ] },            'a Contact deleted' );
$ReportC = $ContactStep->('after the changes');
is( $ReportC->{run}->{kind}, 'incremental', 'Contact mode: the run after the changes is incremental' );
ok( $ReportC->{counts}->{updated} >= 2, 'Contact mode: the changed Contacts are updated' );

# ------------------------------------------------------------ the full-run interval
$Fake->Control( { clock => { advance_seconds => 25 * 3600 } } );
( $Companies, $Customers ) = $Step->('a day later');
is( $Companies->{run}->{kind}, 'full', 'after the full-run interval the run is full' );
like( $Companies->{run}->{reason}, qr/interval/, '... and says why' );
( $Companies, $Customers ) = $Step->('after that full run');
is( $Companies->{run}->{kind}, 'incremental', 'then incremental again' );

# ------------------------------------------------------------ older than Salesforce keeps deletions
$Fake->Control( { clock => { advance_seconds => 16 * 86400 } } );
( undef, $Companies ) = $Run->( 'A', 'SyncCompanies', '--incremental' );
is( $Companies->{run}->{kind}, 'full', 'after 16 days even --incremental runs full' );
like( $Companies->{run}->{reason}, qr/15 days/, '... because Salesforce keeps deletions 15 days' );

# ------------------------------------------------------------ settings changed: full
$Kernel::OM->Get('Kernel::Config')->Set(
    Key   => 'SalesForceModule::Companies::Where',
    Value => "Type != 'Other'",
);
( undef, $Companies ) = $Run->( 'A', 'SyncCompanies' );
is( $Companies->{run}->{kind}, 'full', 'a changed Where makes the next run full' );
like( $Companies->{run}->{reason}, qr/settings changed/, '... and says so' );

# ------------------------------------------------------------ a mirror of another org
# (e.g. left behind by a test against a fake org) is never built on.
{
    my $Mirror = "$OTRS{A}->{Home}/var/salesforce-sync/companies.mirror";
    open my $In, '<', $Mirror or die "$Mirror: $!";    ## no critic
    my @Lines = <$In>;
    close $In;
    $Lines[0] =~ s{"org":"[^"]*"}{"org":"00D000000000000OTHER"};
    open my $Out, '>', $Mirror or die "$Mirror: $!";    ## no critic
    print {$Out} @Lines;
    close $Out;
    ( undef, $Companies ) = $Run->( 'A', 'SyncCompanies' );
    is( $Companies->{run}->{kind}, 'full', 'a mirror of another org makes the run full' );
    like( $Companies->{run}->{reason}, qr/another Salesforce org/, '... and says so' );
}

# ------------------------------------------------------------ options
( $Exit, $Companies ) = $Run->( 'A', 'SyncCompanies', '--full', '--incremental' );
isnt( $Exit, 0, '--full with --incremental is refused' );

done_testing();
