# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Four syncs started at the same moment in separate processes (four admins, or
# the daemon plus hand runs), all against one OTRS (the DB stand-in shared
# through a file, see SalesForceTest::Soak::ShareStandIns) and one fake org:
#  - without --wait: exactly one runs, the others stop with exit 2 and a clear
#    message, and they write nothing;
#  - with --wait: they run one after the other, never overlapping; the first
#    creates the records, the others find them and write nothing;
# in both cases no record is written twice.

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use File::Temp qw(tempdir);
use JSON::PP();
use POSIX();
use Test::More;
use Time::HiRes qw(sleep time);

use SalesForceTest::Soak;
use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=60,owners=4,contacts=0' );

# Every Salesforce answer takes a while, so the four runs overlap for sure.
$Fake->Control( { latency_ms => 400 } );

my $Home = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => {
        'SalesForceModule::BatchSize'                    => 200,
        'SalesForceModule::Customers::Mode'              => 'AccountOwner',
        'SalesForceModule::Customers::DefaultCustomerID' => 'sf-default',
        'CheckEmailInvalidAddress'                       => '@blocked\\.test$',
    },
);

use Kernel::System::ObjectManager;

# Starts the commands in separate processes at the same moment; returns their
# results (exit code, JSON report, STDERR, when their sync ran).
my $Round = 0;
my $Start = sub {
    my (@Commands) = @_;
    $Round++;
    my $Dir = tempdir( CLEANUP => 1 );
    my @Children;
    for my $Index ( 0 .. $#Commands ) {
        my ( $Name, @Arguments ) = @{ $Commands[$Index] };
        my $PID = fork();
        die "fork: $!" if !defined $PID;
        if ( !$PID ) {
            my %Result;
            my $Ok = eval {
                SalesForceTest::Soak->ShareStandIns( File => "$Home/otrs-db.json" );
                local $Kernel::OM = Kernel::System::ObjectManager->new();

                # note when this process's sync really runs (between lock and release)
                require Kernel::System::SalesForce::Sync;
                my $Sync = Kernel::System::SalesForce::Sync->can('Sync');
                no warnings 'redefine';
                local *Kernel::System::SalesForce::Sync::Sync = sub {
                    my $Begin  = time;
                    my $Report = $Sync->(@_);
                    $Result{ran} = [ $Begin, time ];
                    return $Report;
                };

                # ready; then all start together
                open my $Ready, '>', "$Dir/ready-$Index" or die $!;
                close $Ready;
                sleep 0.005 while !-e "$Dir/go";

                ( $Result{exit}, $Result{report}, undef, $Result{stderr} ) = SalesForceTest::Sync->RunCommand(
                    Command   => $Name,
                    Arguments => [ '--json', @Arguments ],
                );
                1;
            };
            $Result{died} = "$@" if !$Ok;
            $Result{pid}  = $$;
            open my $FH, '>', "$Dir/result-$Index.json" or POSIX::_exit(9);
            print {$FH} JSON::PP->new()->utf8()->encode( \%Result );
            close $FH;
            POSIX::_exit(0);
        }
        push @Children, $PID;
    }
    my $Deadline = time + 60;
    sleep 0.01 while time < $Deadline && grep { !-e "$Dir/ready-$_" } 0 .. $#Commands;
    open my $Go, '>', "$Dir/go" or die $!;
    close $Go;
    for my $PID (@Children) {
        waitpid $PID, 0;
    }
    my @Results;
    for my $Index ( 0 .. $#Commands ) {
        open my $FH, '<', "$Dir/result-$Index.json" or die "child $Index wrote no result";
        local $/;
        my $Result = JSON::PP->new()->utf8()->decode(<$FH>);
        close $FH;
        $Result->{name} = $Commands[$Index]->[0];
        diag "child $Index died: $Result->{died}" if $Result->{died};
        push @Results, $Result;
    }
    return @Results;
};

my $Inserts = sub {
    my ( $Table, @Journal ) = @_;
    my %Count;
    for my $Write ( grep { $_->{op} eq 'StandInInsert' && $_->{table} eq $Table } @Journal ) {
        $Count{$_}++ for @{ $Write->{keys} };
    }
    return \%Count;
};

# ------------------------------------------------------------ without --wait: one runs, three stop
my @Results = $Start->( ['SyncCompanies'], ['SyncCompanies'], ['SyncCustomers'], ['SyncCompanies'] );
my @Ran     = grep { ( $_->{exit} // -1 ) == 0 } @Results;
my @Stopped = grep { ( $_->{exit} // -1 ) == 2 } @Results;
is( scalar @Ran,     1, 'four at once: exactly one sync ran (exit 0)' ) or diag explain \@Results;
is( scalar @Stopped, 3, 'four at once: the three others stopped with exit 2' );
for my $Result (@Stopped) {
    like(
        $Result->{stderr},
        qr/Another SalesForce sync is running/,
        "$Result->{name} (pid $Result->{pid}): clear message"
    );
    like( $Result->{stderr}, qr/--wait/, "$Result->{name} (pid $Result->{pid}): points to --wait" );
    is( $Result->{report}->{status}, 'locked', "$Result->{name} (pid $Result->{pid}): JSON status locked" );
    ok( !$Result->{ran}, "$Result->{name} (pid $Result->{pid}): its sync never started" );
}

# Every process records its run in the run history (the refused ones as locked); only the
# one that ran writes OTRS customer data.
my @Journal = grep { $_->{table} ne 'salesforce_sync_run' }
    SalesForceTest::Soak->Journal( File => "$Home/otrs-db.json" );
ok( scalar @Journal, 'the sync that ran wrote records (' . scalar(@Journal) . ' writes)' );
my %Writers = map { $_->{pid} => 1 } @Journal;
is_deeply( [ keys %Writers ], [ $Ran[0]->{pid} ], 'only the process that ran wrote customer data' );
{
    my $Shared = JSON::PP->new()->utf8()->decode(
        do { local $/; open my $FH, '<', "$Home/otrs-db.json" or die $!; <$FH> }
    );
    my @Runs = @{ $Shared->{salesforce_sync_run} || [] };
    is( scalar @Runs, 4, 'the run history holds all four runs' );
    is( scalar( grep { $_->{status} eq 'locked' && $_->{exit_code} == 2 } @Runs ), 3, '... three of them locked' );
    my %IDs = map { $_->{id} => 1 } @Runs;
    is( scalar keys %IDs, 4, '... each with its own id' );
}
my $Table = $Ran[0]->{name} eq 'SyncCompanies' ? 'customer_company' : 'customer_user';
my $Count = $Inserts->( $Table, @Journal );
is( scalar( grep { $_ != 1 } values %{$Count} ), 0,                'no record inserted twice' );
is( scalar keys %{$Count}, $Ran[0]->{report}->{counts}->{created}, 'one insert per created record' );

# ------------------------------------------------------------ with --wait: one after the other
my $Before = scalar @Journal;
@Results = $Start->(
    [ 'SyncCompanies', '--wait', '120' ],
    [ 'SyncCustomers', '--wait', '120' ],
    [ 'SyncCompanies', '--wait', '120' ],
    [ 'SyncCustomers', '--wait', '120' ],
);
is( scalar( grep { ( $_->{exit} // -1 ) == 0 } @Results ), 4, 'four at once with --wait: all four ran (exit 0)' )
    or diag explain \@Results;
my @Order = sort { $a->{ran}->[0] <=> $b->{ran}->[0] } grep { $_->{ran} } @Results;
is( scalar @Order, 4, 'with --wait: each sync ran' );
my $Overlap = 0;
for my $Index ( 1 .. $#Order ) {
    $Overlap++ if $Order[$Index]->{ran}->[0] < $Order[ $Index - 1 ]->{ran}->[1];
}
is( $Overlap, 0, 'with --wait: no two syncs ran at the same time' );
my @Waited = grep { ( $_->{report}->{status} // '' ) eq 'ok' } @Results;
is( scalar @Waited, 4, 'with --wait: every report says ok' );

@Journal = grep { $_->{table} ne 'salesforce_sync_run' } SalesForceTest::Soak->Journal( File => "$Home/otrs-db.json" );
my @New = @Journal[ $Before .. $#Journal ];
for my $Kind (qw(SyncCompanies SyncCustomers)) {
    my @Runs = grep { $_->{name} eq $Kind } @Order;
    my ( $First, $Second ) = @Runs;
    is(
        $Second->{report}->{counts}->{created} + $Second->{report}->{counts}->{updated},
        0, "$Kind: the second run found everything done, wrote nothing"
    );
    my %Pids = map { $_->{pid} => 1 }
        grep { $_->{table} eq ( $Kind eq 'SyncCompanies' ? 'customer_company' : 'customer_user' ) } @New;
    ok( !$Pids{ $Second->{pid} }, "$Kind: no write by the second run" );
}
for my $Table (qw(customer_company customer_user customer_user_customer)) {
    my $All = $Inserts->( $Table, @Journal );
    ok( scalar keys %{$All}, "$Table: records were written" );
    is( scalar( grep { $_ != 1 } values %{$All} ), 0, "$Table: over all eight processes no record inserted twice" );
}

# the shared OTRS holds every company exactly once
my $Shared = JSON::PP->new()->utf8()->decode(
    do { local $/; open my $FH, '<', "$Home/otrs-db.json" or die $!; <$FH> }
);
my %Seen;
$Seen{ $_->{customer_id} }++ for @{ $Shared->{customer_company} };
is( scalar( grep { $_ > 1 } values %Seen ), 0, 'the shared OTRS has each company once' );
ok( scalar( keys %Seen ) >= 50, scalar( keys %Seen ) . ' companies in the shared OTRS' );

# Nothing is left behind: the lock is free again.
{
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $SyncObject = $Kernel::OM->Create('Kernel::System::SalesForce::Sync');
    my ($Locked) = $SyncObject->LockAcquire();
    ok( $Locked, 'after all eight processes the lock is free' );
    $SyncObject->LockRelease();
}

undef $Fake;
done_testing();
