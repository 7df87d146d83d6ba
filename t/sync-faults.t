# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The fault matrix, end to end (console command -> XS -> Rust -> HTTPS -> fake
# org -> OTRS stand-ins): for each fault the fake injects, the OTRS state after
# the run is checked (nothing lost, nothing invalidated by mistake) and the
# report and exit code must say what happened.

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use Digest::SHA();
use JSON::PP();
use Encode ();
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=900,owners=5,contacts=10' );
my $Home = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => {
        'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity',
        'SalesForceModule::BatchSize'                                              => 200,
    },
);

use Kernel::System::ObjectManager;
local $Kernel::OM = Kernel::System::ObjectManager->new();

my $Run = sub {

    # every run as in a new process: a new client that signs in; every run
    # full, as the faults hit pages of the full fetch (t/sync-incremental.t
    # covers incremental runs)
    $Kernel::OM->ObjectsDiscard( Objects => ['Kernel::System::SalesForce'] );
    return SalesForceTest::Sync->RunCommand(
        Command   => 'SyncCompanies',
        Arguments => [ '--full', @_ ],
    );
};

my $CompanyObject    = $Kernel::OM->Get('Kernel::System::CustomerCompany');
my $DBObject         = $Kernel::OM->Get('Kernel::System::DB');
my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');

# A save call of Kernel::System::SalesForce succeeded.
my $Saved    = sub { return SalesForceTest::Sync->Saved(@_) };
my $Writes   = sub { return SalesForceTest::Sync->CompanyWrites() };
my $ValidIDs = sub {
    my @Rows = sort { $a->{customer_id} cmp $b->{customer_id} } @{ $DBObject->StandInRows('customer_company') };
    return scalar(@Rows) . ' companies, digest '
        . Digest::SHA::sha1_hex(
        Encode::encode( 'UTF-8', join ',', map {"$_->{customer_id}:$_->{valid_id}:$_->{name}"} @Rows )
        );
};

# A complete first sync, with its progress on STDOUT.
my ( $Exit, $Report, $Out, $Err ) = $Run->();
is( $Exit, 0,  'first run: exit 0' ) or diag $Err;
is( $Err,  '', 'first run: nothing on STDERR' );
my ($Synced) = $Out =~ m{(\d+)\s+created}smx;
ok( $Synced && $Synced > 800, 'first run: ' . ( $Synced // 0 ) . ' companies' );
like( $Out, qr/Applied 100 of $Synced changes/,            'first run: progress after 100 records' );
like( $Out, qr/Applied 800 of $Synced changes/,            'first run: progress after 800 records' );
like( $Out, qr/Applied $Synced of $Synced changes \(100%/, 'first run: progress at the end' );
like( $Out, qr/in 5 page\(s\)/,                            'first run: five pages of 200' );

# Three Accounts leave Salesforce: a complete fetch would invalidate them,
# a broken one must not touch anything.
my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name FROM Account' );
my @Gone     = map { $_->{Id} } grep { $_->{Name} !~ m{\A\*}smx } @{$Accounts}[ 100, 500, 800 ];
ok(
    SalesForceTest::Sync->FakeData(
        Fake => $Fake,
        Data => { delete => \@Gone }
    ),
    'three Accounts deleted in Salesforce'
);
ok(
    $Saved->(
        scalar $SalesForceObject->Update(
            Type => 'Account',
            Data => {
                id          => $Accounts->[1]->{Id},
                BillingCity => 'Moved'
            }
        )
    ),
    'one Account changed in Salesforce'
);

my @Failing = (
    {
        Name    => 'login refused',
        Control => { login_refused => JSON::PP::true },
        Undo    => { login_refused => JSON::PP::false },
        Error   => qr/AUTH|LOGIN/i,
    },
    {
        Name    => 'page 3 of 5 fails',
        Control => {
            fault  => 'http500',
            page   => 3,
            always => JSON::PP::true
        },
        Error => qr/500|HTTP|SALESFORCE/i,
        Fault => 'http500',
    },
    {
        Name    => 'truncated XML',
        Control => {
            fault  => 'truncate',
            page   => 2,
            always => JSON::PP::true
        },
        Error => qr/PROTOCOL|TRANSPORT|truncat|XML/i,
        Fault => 'truncate',
    },
    {
        Name    => 'REQUEST_LIMIT_EXCEEDED',
        Control => {
            fault  => 'request_limit',
            always => JSON::PP::true
        },
        Error => qr/REQUEST_LIMIT_EXCEEDED/,
        Fault => 'request_limit',
    },
);

for my $Case (@Failing) {
    ok(
        $Fake->Control( { clear_faults => JSON::PP::true, reset_stats => JSON::PP::true } ),
        "$Case->{Name}: reset"
    );
    ok( $Fake->Control( $Case->{Control} ), "$Case->{Name}: fault set" );
    my $BeforeWrites = $Writes->();
    my $BeforeValid  = $ValidIDs->();
    ( $Exit, $Report, $Out, $Err ) = $Run->('--json');
    is( $Exit,             3,            "$Case->{Name}: exit 3 (Salesforce could not be read)" );
    is( $Report->{status}, 'unreadable', "$Case->{Name}: report status" );
    like( $Report->{message}, qr/Nothing was changed/, "$Case->{Name}: report says nothing was changed" );
    like(
        join( ' ', map { $_ // '' } @{ $Report->{error} }{qw(name message sf_code)} ),
        $Case->{Error}, "$Case->{Name}: report names the error"
    ) or diag explain $Report->{error};
    is( $Writes->(),   $BeforeWrites, "$Case->{Name}: no write reached OTRS" );
    is( $ValidIDs->(), $BeforeValid,  "$Case->{Name}: nothing invalidated, nothing lost" );
    like( $Err, qr/Error: .*Nothing was changed/, "$Case->{Name}: STDERR says so" );
    if ( $Case->{Fault} ) {
        ok( $Fake->Stats()->{faults}->{ $Case->{Fault} }, "$Case->{Name}: the fault did fire" );
    }
    ok( $Fake->Control( $Case->{Undo} || { clear_faults => JSON::PP::true } ), "$Case->{Name}: fault removed" );
}

# A 503 that goes away: the client retries, the run completes, cleanup runs.
ok(
    $Fake->Control( { clear_faults => JSON::PP::true, reset_stats => JSON::PP::true } ),
    '503: reset'
);
ok(
    $Fake->Control( { fault => 'http503', page => 2, count => 1, retry_after => 1 } ),
    '503: fault set'
);
( $Exit, $Report, $Out, $Err ) = $Run->('--json');
is( $Exit, 0, '503 then success: exit 0' ) or diag $Err;
ok( $Fake->Stats()->{faults}->{http503}, '503 then success: the fault did fire' );
ok( $Report->{usage}->{retries} >= 1,    '503 then success: the report counts the retry' );
is( $Report->{counts}->{invalidated}, 3, '503 then success: the three removed Accounts invalidated' );
is( $Report->{counts}->{updated},     1, '503 then success: the one change applied' );
my %Valid = map { my %C = $CompanyObject->CustomerCompanyGet( CustomerID => $_ ); ( $_ => $C{ValidID} ) } @Gone;
is_deeply( [ map { $Valid{$_} } @Gone ], [ 2, 2, 2 ], '503 then success: exactly those are invalid' );

# The session expires in the middle of the fetch: one re-login, the run completes.
ok(
    $Fake->Control( { clear_faults => JSON::PP::true, reset_stats => JSON::PP::true } ),
    'session: reset'
);
ok(
    $Fake->Control( { fault => 'invalid_session', page => 3, count => 1 } ),
    'session: fault set'
);
my $BeforeWrites = $Writes->();
( $Exit, $Report, $Out, $Err ) = $Run->('--json');
is( $Exit, 0, 'session expired mid-run: exit 0' ) or diag $Err;
ok( $Fake->Stats()->{faults}->{invalid_session}, 'session expired mid-run: the fault did fire' );
is( $Report->{usage}->{logins},     2,             'session expired mid-run: signed in again once' );
is( $Writes->(),                    $BeforeWrites, 'session expired mid-run: in sync, nothing written' );
is( $Report->{counts}->{unchanged}, $Synced - 3,   'session expired mid-run: every record seen' );

undef $Fake;
done_testing();
