# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The plan is applied in database transactions of a few hundred records, each
# record behind a savepoint: one refused record fails alone (the stand-in DB
# aborts the transaction on a failed statement, as PostgreSQL does), a commit
# that fails loses nothing the next run does not redo, and inside a caller's
# transaction (OTRS unit tests) only savepoints are used.

use strict;
use warnings;

use File::Temp qw(tempdir);
use FindBin    qw($Bin);
use Test::More;

$ENV{SALESFORCE_TEST_HOME}      = tempdir( CLEANUP => 1 );
$ENV{SALESFORCE_CONFIG_XML_DIR} = "$Bin/../Kernel/Config/Files/XML";
$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

use Kernel::System::ObjectManager;
use Kernel::System::SalesForce::Sync::Apply;

{

    package Test::ScriptedPlans;
    our @ObjectDependencies = ();
    sub new { return bless { Plans => [] }, shift }

    sub Call {
        my ( $Self, %Param ) = @_;
        return {
            api_calls => 1,
            logins    => 0,
            retries   => 0
        } if $Param{Method} eq 'usage';
        return shift @{ $Self->{Plans} };
    }
    sub GetErrorDetails {return}
}

# A fresh OTRS stand-in whose planner answers with the given plans.
my $NewOTRS = sub {
    my (@Plans) = @_;
    my $OM = Kernel::System::ObjectManager->new();
    $OM->ObjectInstanceRegister(
        Package => 'Kernel::System::SalesForce',
        Object  => Test::ScriptedPlans->new(),
    );
    push @{ $OM->Get('Kernel::System::SalesForce')->{Plans} }, @Plans;
    return $OM;
};

# A plan creating companies 1..N; company $Duplicate takes the name of company 1.
my $CreatePlan = sub {
    my (%Param) = @_;
    my @Actions = map {
        my $ID = sprintf '001T0000000%07dAAA', $_;
        {
            action => 'create',
            id     => $ID,
            values => {
                CustomerID          => $ID,
                CustomerCompanyName => ( $Param{Duplicate} && $_ == $Param{Duplicate} ? 'Company 1' : "Company $_" ),
                ValidID             => 1,
            },
        };
    } ( $Param{From} // 1 ) .. $Param{To};
    return {
        kind      => 'companies',
        soql      => 'SELECT Id, Name FROM Account',
        actions   => \@Actions,
        skipped   => [],
        unchanged => 0,
        cleanup   => {
            enabled => 0,
            ran     => 0,
            refused => 0,
            reason  => 'off'
        },
        counts => {},
        fetch  => {
            records   => scalar @Actions,
            pages     => 1,
            api_calls => 1,
            complete  => 1
        },
        sync_invalidated => {
            add    => [],
            remove => []
        },
        notes => [],
    };
};

my $Companies = sub {
    my ($OM) = @_;
    return scalar @{ $OM->Get('Kernel::System::DB')->StandInRows('customer_company') };
};

local $Kernel::System::SalesForce::Sync::Apply::TransactionSize = 10;

# ------------------------------------------------------------ batches and one refused record
{
    local $Kernel::OM = $NewOTRS->( $CreatePlan->( To => 25, Duplicate => 7 ) );
    my $Report = $Kernel::OM->Get('Kernel::System::SalesForce::Sync')->Sync( Kind => 'companies' );
    my $Calls  = $Kernel::OM->Get('Kernel::System::DB')->{StandInCalls};
    is( $Report->{counts}->{created}, 24, 'the 24 good records are created' );
    is( $Report->{counts}->{failed},  1,  'the duplicate name fails' );
    like( $Report->{failed}->[0]->{reason}, qr/customer_company_name/, '... with the database error' );
    is( $Companies->($Kernel::OM),         24, 'and OTRS holds exactly the 24' );
    is( $Calls->{begin_work},              3,  'three transactions for 25 records in batches of 10' );
    is( $Calls->{commit},                  3,  'three commits, not 25' );
    is( $Calls->{SAVEPOINT},               25, 'a savepoint per record' );
    is( $Calls->{'ROLLBACK TO SAVEPOINT'}, 1,  'the refused record is rolled back to its savepoint' );
    is( $Report->{exit_code},              1,  'exit code 1: some records failed' );
}

# ------------------------------------------------------------ a commit fails
{
    local $Kernel::OM = $NewOTRS->( $CreatePlan->( To => 25 ), $CreatePlan->( To => 25 ) );
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->{FailCommit} = 2;
    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
    my $Report     = $SyncObject->Sync( Kind => 'companies' );
    is( $Report->{counts}->{created}, 15, 'second batch lost at commit: 15 created' );
    is( $Report->{counts}->{failed},  10, '... its 10 records are reported failed' );
    like(
        $Report->{failed}->[0]->{reason},
        qr/did not commit the transaction of this record and 9 others/,
        '... saying why'
    );
    is( $Companies->($Kernel::OM), 15, 'OTRS holds the two committed batches only' );
    is( $Report->{exit_code},      1,  'exit code 1' );

    $DBObject->{FailCommit} = 0;
    my $Again = $SyncObject->Sync( Kind => 'companies' );
    is( $Companies->($Kernel::OM), 25, 'the next run applies them' );
}

# ------------------------------------------------------------ inside a caller's transaction
{
    local $Kernel::OM = $NewOTRS->( $CreatePlan->( To => 12, Duplicate => 3 ) );
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->Connect()->begin_work();
    my $Report = $Kernel::OM->Get('Kernel::System::SalesForce::Sync')->Sync( Kind => 'companies' );
    my $Calls  = $DBObject->{StandInCalls};
    is( $Report->{counts}->{created}, 11, 'in a caller transaction: 11 created' );
    is( $Calls->{begin_work},         1,  '... no transaction of its own' );
    ok( !$Calls->{commit}, '... and no commit' );
    is( $Calls->{SAVEPOINT}, 12, '... but a savepoint per record' );
    $DBObject->{dbh}->rollback();
    is( $Companies->($Kernel::OM), 0, "the caller's rollback takes everything back" );
}

# ------------------------------------------------------------ a database without savepoints
{
    local $Kernel::OM = $NewOTRS->( $CreatePlan->( To => 12, Duplicate => 3 ) );
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->{'DB::Type'} = 'db2';
    my $Report = $Kernel::OM->Get('Kernel::System::SalesForce::Sync')->Sync( Kind => 'companies' );
    is( $Report->{counts}->{created}, 11, 'a database type without savepoint support: record by record' );
    ok( !$DBObject->{StandInCalls}->{begin_work}, '... without transactions' );
}

done_testing();
