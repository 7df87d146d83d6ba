# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# End to end: Admin::SalesForce::SyncCompanies -> Kernel::System::SalesForce::Sync
# -> Kernel::System::SalesForce -> SalesForce::XS -> Rust (login, fetch, plan)
# -> HTTPS -> fake Salesforce org, applied to the OTRS stand-ins (t/lib).

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use JSON::PP();
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=40,owners=5,contacts=50' );
my $Home = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => { 'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity' },
);

use Kernel::System::ObjectManager;
local $Kernel::OM = Kernel::System::ObjectManager->new();

my $Run = sub {
    return SalesForceTest::Sync->RunCommand(
        Command   => 'SyncCompanies',
        Arguments => [@_],
    );
};

my $CompanyObject    = $Kernel::OM->Get('Kernel::System::CustomerCompany');
my $DBObject         = $Kernel::OM->Get('Kernel::System::DB');
my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');

# A save call of Kernel::System::SalesForce succeeded.
my $Saved  = sub { return SalesForceTest::Sync->Saved(@_) };
my $Writes = sub { return SalesForceTest::Sync->CompanyWrites() };

# What the fake holds, read independently of the sync.
my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name FROM Account' );
ok( $Accounts && @{$Accounts} >= 40, 'the fake org has Accounts' ) or BAIL_OUT('no Accounts');
my @Expected = grep { $_->{Name} !~ m{\A\*}smx } @{$Accounts};
my @Starred  = grep { $_->{Name} =~ m{\A\*}smx } @{$Accounts};

my $Valid = sub {
    my ($ID) = @_;
    my %Company = $CompanyObject->CustomerCompanyGet( CustomerID => $ID );
    return %Company ? $Company{ValidID} : 0;
};

# ------------------------------------------------------------ first run
my ( $Exit, $Report, $Out, $Err ) = $Run->('--json');
is( $Exit,                        0,                'first run: exit 0' ) or diag $Err;
is( $Report->{counts}->{created}, scalar @Expected, 'first run: every Account created' );
is( $Report->{counts}->{failed},  0,                'first run: nothing failed' );
is( $Report->{counts}->{skipped}, scalar @Starred,  'first run: names starting with * skipped (ValidData)' );
is( scalar( grep { $Valid->( $_->{Id} ) == 1 } @Expected ), scalar @Expected, 'every company valid in OTRS' );
my %One = $CompanyObject->CustomerCompanyGet( CustomerID => $Expected[0]->{Id} );
is( $One{CustomerCompanyName}, "$Expected[0]->{Name} ($Expected[0]->{Id})", 'name is "Name (Id)"' );
ok( $Report->{api_calls},       'report has the API calls used' );
ok( defined $Report->{seconds}, 'report has the time taken' );

# ------------------------------------------------------------ second run: no writes
my $Before = $Writes->();
( $Exit, $Report ) = $Run->('--json');
is( $Exit,                          0,                'second run: exit 0' );
is( $Writes->(),                    $Before,          'second run: no write call reached OTRS' );
is( $Report->{counts}->{unchanged}, scalar @Expected, 'second run: all unchanged' );

# ------------------------------------------------------------ one change, one update
ok(
    $Saved->(
        scalar $SalesForceObject->Update(
            Type => 'Account',
            Data => {
                id          => $Expected[1]->{Id},
                BillingCity => 'Neustadt an der Weinstraße'
            },
        )
    ),
    'change an Account in Salesforce'
);
my $Updates = $CompanyObject->{StandInCalls}->{CustomerCompanyUpdate} // 0;
( $Exit, $Report ) = $Run->('--json');
is( $Exit,                                                                       0, 'after a change: exit 0' );
is( $Report->{counts}->{updated},                                                1, 'after a change: one update' );
is( ( $CompanyObject->{StandInCalls}->{CustomerCompanyUpdate} // 0 ) - $Updates, 1, 'exactly one Update call' );
my %Changed = $CompanyObject->CustomerCompanyGet( CustomerID => $Expected[1]->{Id} );
is( $Changed{CustomerCompanyCity}, 'Neustadt an der Weinstraße',                'the change arrived (UTF-8 intact)' );
is( $Changed{CustomerCompanyName}, "$Expected[1]->{Name} ($Expected[1]->{Id})", 'the other fields kept' );

# ------------------------------------------------------------ dry run
ok(
    $Saved->(
        scalar $SalesForceObject->Update(
            Type => 'Account',
            Data => {
                id          => $Expected[1]->{Id},
                BillingCity => 'Dry'
            }
        )
    ),
    'another change'
);
$Before = $Writes->();
( $Exit, $Report, $Out ) = $Run->('--dry-run');
is( $Exit,       0,       'dry run: exit 0' );
is( $Writes->(), $Before, 'dry run: nothing written' );
like( $Out, qr/Dry run/,                     'dry run: says so' );
like( $Out, qr/\Q$Expected[1]->{Id}\E.*Dry/, 'dry run: prints the planned change' );
( $Exit, $Report ) = $Run->( '--dry-run', '--json' );
is( $Report->{dry_run},                                        1,     'dry run JSON: flagged' );
is( $Report->{actions}->[0]->{changes}->{CustomerCompanyCity}, 'Dry', 'dry run JSON: the planned change' );
$Run->();    # apply it

# ------------------------------------------------------------ ValidData off
( $Exit, $Report ) = $Run->( '--json', '--valid-data', '0' );
is( $Exit,                        0,               '--valid-data 0: exit 0' );
is( $Report->{counts}->{created}, scalar @Starred, '--valid-data 0: the *-named Accounts are created too' );

# ------------------------------------------------------------ removed Account: invalidated, back: valid
my $Gone = $Expected[2]->{Id};
ok( $Saved->( scalar $SalesForceObject->Delete( IDs => [$Gone] ) ), 'remove an Account in Salesforce' );
( $Exit, $Report, $Out ) = $Run->();
is( $Exit,           0, 'cleanup: exit 0' );
is( $Valid->($Gone), 2, 'cleanup: the removed Account is set invalid' );
like( $Out, qr/Cleanup: ran/, 'cleanup: the summary says it ran' );
is( $Valid->( $Expected[3]->{Id} ), 1, 'cleanup: the others stay valid' );

ok(
    SalesForceTest::Sync->FakeData(
        Fake => $Fake,
        Data => { undelete => [$Gone] }
    ),
    'the Account comes back (undelete)'
);
( $Exit, $Report ) = $Run->('--json');
is( $Exit,           0, 'back: exit 0' );
is( $Valid->($Gone), 1, 'back: valid again' );

# An agent's own invalidation is left alone.
$CompanyObject->CustomerCompanyUpdate(
    %{ { $CompanyObject->CustomerCompanyGet( CustomerID => $Expected[4]->{Id} ) } },
    ValidID           => 2,
    CustomerCompanyID => $Expected[4]->{Id},
    UserID            => 1
);
( $Exit, $Report ) = $Run->('--json');
is( $Valid->( $Expected[4]->{Id} ), 2, 'a company set invalid by hand stays invalid' );

# ... unless SalesForceModule::RevalidateManual is on.
$Kernel::OM->Get('Kernel::Config')->Set(
    Key   => 'SalesForceModule::RevalidateManual',
    Value => 1
);
( $Exit, $Report ) = $Run->('--json');
is( $Valid->( $Expected[4]->{Id} ), 1, 'RevalidateManual: made valid again' );
$Kernel::OM->Get('Kernel::Config')->Set(
    Key   => 'SalesForceModule::RevalidateManual',
    Value => 0
);

# ------------------------------------------------------------ share limit
my @Removed = map { $_->{Id} } @Expected[ 10 .. 15 ];
ok( $Saved->( scalar $SalesForceObject->Delete( IDs => \@Removed ) ), 'remove six Accounts (more than 10%)' );
$Before = $Writes->();
( $Exit, $Report, $Out, $Err ) = $Run->();
is( $Exit, 2, 'share exceeded: exit 2' );
like( $Err, qr/--force/,                                    'share exceeded: names --force' );
like( $Err, qr/SalesForceModule::Cleanup::MaxSharePercent/, 'share exceeded: names the setting' );
is( scalar( grep { $Valid->($_) == 1 } @Removed ), 6, 'share exceeded: nothing invalidated' );
( $Exit, $Report ) = $Run->( '--force', '--json' );
is( $Exit,                                         0, '--force: exit 0' );
is( $Report->{counts}->{invalidated},              6, '--force: the six are invalidated' );
is( scalar( grep { $Valid->($_) == 2 } @Removed ), 6, '--force: all six invalid in OTRS' );

# ------------------------------------------------------------ limit: no cleanup
( $Exit, $Report ) = $Run->( '--json', '--companies-limit', '5' );
is( $Exit, 0, '--companies-limit: exit 0' );
ok( !$Report->{cleanup}->{ran}, '--companies-limit: no cleanup on a limited fetch' );
is( $Report->{counts}->{invalidated}, 0, '--companies-limit: nothing invalidated' );

# ------------------------------------------------------------ duplicate name: skipped with reason, others go on
$SalesForceObject->Create(
    Type => 'Account',
    Name => 'Brand New One'
);
$SalesForceObject->Update(
    Type => 'Account',
    Data => {
        id   => $Expected[21]->{Id},
        Name => 'Renamed Too'
    }
);
my $NewAccounts = $SalesForceObject->DoQuery( Query => "SELECT Id, Name FROM Account WHERE Name = 'Brand New One'" );
my $NewID       = $NewAccounts->[0]->{Id};
ok( $NewID, 'a new Account in Salesforce' );

# an agent made a company whose name the new Account will want (names are unique in OTRS)
ok(
    scalar(
        $CompanyObject->CustomerCompanyAdd(
            CustomerID          => 'manual-1',
            CustomerCompanyName => "Brand New One ($NewID)",
            ValidID             => 1,
            UserID              => 1,
        )
    ),
    'a hand-made company with that name'
);
( $Exit, $Report ) = $Run->('--json');
is( $Exit, 0, 'a record that cannot be written is skipped: exit 0' );
my ($Skip) = grep { $_->{id} eq $NewID } @{ $Report->{skipped} };
like( $Skip->{reason} // '', qr/name/i, 'the skip says why' );
is( $Report->{counts}->{updated}, 1, 'the other change was applied' );
my %Renamed = $CompanyObject->CustomerCompanyGet( CustomerID => $Expected[21]->{Id} );
is( $Renamed{CustomerCompanyName}, "Renamed Too ($Expected[21]->{Id})", 'rename applied' );
my %Manual = $CompanyObject->CustomerCompanyGet( CustomerID => 'manual-1' );
is( $Manual{ValidID}, 1, 'the hand-made company is untouched' );

# ------------------------------------------------------------ a mapped Salesforce timestamp
# is written in the OTRS form and does not count as a change on the next run.
my $Map = $Kernel::OM->Get('Kernel::Config')->Get('SalesForceModule::Companies::AddAttributesToParams');
$Map->{CustomerCompanyComment} = 'LastModifiedDate';
( $Exit, $Report ) = $Run->('--json');
is( $Exit, 0, 'timestamp mapped: exit 0' );
ok( $Report->{counts}->{updated} > 10, 'timestamp mapped: the companies get the new field' );
my %Stamped = $CompanyObject->CustomerCompanyGet( CustomerID => $Expected[25]->{Id} );
like(
    $Stamped{CustomerCompanyComment} // '',
    qr/\A\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\z/,
    'timestamp mapped: stored as YYYY-MM-DD hh:mm:ss'
);
$Before = $Writes->();
( $Exit, $Report ) = $Run->('--json');
is( $Report->{counts}->{updated}, 0,       'timestamp mapped: the next run sees no change' );
is( $Writes->(),                  $Before, 'timestamp mapped: and writes nothing' );
delete $Map->{CustomerCompanyComment};

# ------------------------------------------------------------ cleanup action delete
# Unreferenced companies are deleted; one used by a customer user or by a
# ticket is set invalid instead.
$Kernel::OM->Get('Kernel::Config')->Set(
    Key   => 'SalesForceModule::Cleanup::Action',
    Value => 'delete'
);
my ( $Unused, $UsedByUser, $UsedByTicket ) = map { $_->{Id} } @Expected[ 30, 31, 32 ];
ok(
    scalar(
        $Kernel::OM->Get('Kernel::System::CustomerUser')->CustomerUserAdd(
            Source         => 'CustomerUser',
            UserLogin      => 'agent-made',
            UserFirstname  => 'Agent',
            UserLastname   => 'Made',
            UserEmail      => 'agent-made@acme.test',
            UserCustomerID => $UsedByUser,
            ValidID        => 1,
            UserID         => 1,
        )
    ),
    'a customer user of one company'
);
ok(
    scalar(
        $DBObject->StandInInsert(
            Table => 'ticket',
            Row   => {
                id           => 1,
                tn           => '2026112810000011',
                customer_id  => $UsedByTicket,
                archive_flag => 'y'
            }
        )
    ),
    'an (archived) ticket of another company'
);
ok(
    $Saved->( scalar $SalesForceObject->Delete( IDs => [ $Unused, $UsedByUser, $UsedByTicket ] ) ),
    'the three leave Salesforce'
);
( $Exit, $Report ) = $Run->('--json');
is( $Exit,                            0, 'cleanup delete: exit 0' );
is( $Report->{counts}->{deleted},     1, 'cleanup delete: one deleted' );
is( $Report->{counts}->{invalidated}, 2, 'cleanup delete: two referenced ones invalidated instead' );
is( $Valid->($Unused),                0, 'cleanup delete: the unused company is gone' );
is( $Valid->($UsedByUser),            2, 'cleanup delete: the one a customer user uses is invalid' );
is( $Valid->($UsedByTicket),          2, 'cleanup delete: the one a ticket uses is invalid' );
ok(
    scalar( grep { ( $_ // '' ) eq 'CustomerCompany' } @{ $Kernel::OM->Get('Kernel::System::Cache')->{CleanUps} } ),
    'cleanup delete: the company cache was cleared'
);

# A ticket that comes while the sync runs (after OTRS was read): the company is
# not deleted but reported as skipped, and stays as it was.
my $TicketDuringRun = $Expected[33]->{Id};
ok(
    $Saved->( scalar $SalesForceObject->Delete( IDs => [$TicketDuringRun] ) ),
    'a fourth company leaves Salesforce'
);
{
    require Kernel::System::SalesForce::Sync;
    my $OTRSState = Kernel::System::SalesForce::Sync->can('OTRSState');
    no warnings 'redefine';
    local *Kernel::System::SalesForce::Sync::OTRSState = sub {
        my $State = $OTRSState->(@_);
        $DBObject->StandInInsert(
            Table => 'ticket',
            Row   => {
                id          => 2,
                tn          => '2026112810000022',
                customer_id => $TicketDuringRun,
            },
        );
        return $State;
    };
    ( $Exit, $Report ) = $Run->('--json');
}
is( $Exit,                        0, 'ticket during the run: exit 0' );
is( $Report->{counts}->{deleted}, 0, 'ticket during the run: nothing deleted' );
is_deeply(
    [ grep { $_->{id} eq $TicketDuringRun } @{ $Report->{skipped} } ],
    [ { id => $TicketDuringRun, reason => 'not deleted: still used by 1 ticket(s)' } ],
    'ticket during the run: the company is reported as skipped, with the reason'
);
is( $Valid->($TicketDuringRun), 1, 'ticket during the run: the company is still there and valid' );

# ------------------------------------------------------------ a name too long for the OTRS column
my $LongName = 'Überlange Firmenbezeichnung ' x 9;    # 252 characters
$SalesForceObject->Create(
    Type => 'Account',
    Name => $LongName,
);
my $LongAccounts = $SalesForceObject->DoQuery( Query => "SELECT Id FROM Account WHERE Name LIKE 'Überlange%'" );
my $LongID       = $LongAccounts && $LongAccounts->[0] ? $LongAccounts->[0]->{Id} : undef;
ok( $LongID, 'an Account with a 252-character name' );
( $Exit, $Report ) = $Run->('--json');
is( $Exit, 0, 'long name: exit 0' );
my %Long   = $CompanyObject->CustomerCompanyGet( CustomerID => $LongID // '' );
my $Length = length( $Long{CustomerCompanyName} // '' );
ok(
    $Length > 190 && $Length <= 200,
    "long name: the company is created, its name shortened to fit 200 characters ($Length)"
);
like( $Long{CustomerCompanyName} // '', qr/… \(\Q${\( $LongID \/\/ '' )}\E\)\z/, '... keeping its Id' );
my $FullLength = length("$LongName ($LongID)");
ok(
    ( grep {m/\Q$LongID\E: the company name is $FullLength characters long.*shortened/} @{ $Report->{notes} || [] } ),
    '... and the report says so'
    )
    or diag explain $Report->{notes};

# A database whose name column is shorter (OTOBO: 191): the sync reads the length from the
# database (DBI column_info) and the name is shortened to that.
{
    local $Kernel::System::DB::ColumnSizes{customer_company} = {
        name        => 191,
        customer_id => 150
    };
    my $OtherName = 'Kürzere Spalte ' . ( 'y' x 180 );
    $SalesForceObject->Create(
        Type => 'Account',
        Name => $OtherName,
    );
    my $Other   = $SalesForceObject->DoQuery( Query => "SELECT Id FROM Account WHERE Name LIKE 'Kürzere%'" );
    my $OtherID = $Other && $Other->[0] ? $Other->[0]->{Id} : '';
    ( $Exit, $Report ) = $Run->('--json');
    is( $Exit, 0, 'a name column of 191 characters: exit 0' );
    my %Company = $CompanyObject->CustomerCompanyGet( CustomerID => $OtherID );
    is( length( $Company{CustomerCompanyName} // '' ), 191, '... the name is shortened to 191 characters' );
    ok( ( grep {m/\Q$OtherID\E: .*holds 191;/} @{ $Report->{notes} || [] } ), '... and the report says 191' )
        or diag explain $Report->{notes};
}

undef $Fake;
done_testing();
