# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Admin::SalesForce::SyncCompanies end to end inside a real OTRS 6, against
# the fake Salesforce org of this package's source tree:
#   FAKE_SALESFORCE_BIN=/path/to/fake-salesforce \
#     bin/otrs.Console.pl Dev::UnitTest::Run --directory SalesForce
# Without FAKE_SALESFORCE_BIN the test says so and checks nothing else.

use strict;
use warnings;
use utf8;

use vars (qw($Self));

use Kernel::System::SalesForce::UnitTestFake;

# The tests end early (last TEST) when what they need is missing: no top-level return, so the
# file also runs as a script of its own (OTOBO).
TEST: {
    # Start the fake org (stopped when $FakeObject goes away) and point the package at it.
    my $FakeObject = Kernel::System::SalesForce::UnitTestFake->new();
    my ( $Info, $Helper ) = $FakeObject->TestStart(
        Generate => 'accounts=30,owners=4,contacts=40',
        UnitTest => $Self,
        Settings => {
            'SalesForceModule::Companies::DeleteOld'             => '001*',
            'SalesForceModule::Companies::Where'                 => '',
            'SalesForceModule::Companies::AddAttributesToParams' => { CustomerCompanyCity => 'BillingCity' },
        },
    );
    last TEST if !$Info;

    # Companies synced before this test (on a live system) would count as cleanup candidates for
    # DeleteOld '001*' and change every count below: remove them inside the test transaction
    # (RestoreDatabase rolls this back).
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->Do( SQL => "DELETE FROM customer_user_customer WHERE customer_id LIKE '001%'" );
    $DBObject->Do( SQL => "DELETE FROM customer_company WHERE customer_id LIKE '001%'" );
    $Kernel::OM->Get('Kernel::System::Cache')->CleanUp( Type => 'CustomerCompany' );

    # The sync's state file is not part of the database: keep it, Stop() puts it back.
    $FakeObject->KeepStateFile( Kind => 'companies' );

    my $SalesForceObject      = $Kernel::OM->Get('Kernel::System::SalesForce');
    my $CustomerCompanyObject = $Kernel::OM->Get('Kernel::System::CustomerCompany');

    my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name FROM Account' ) || [];
    my @Expected = grep { $_->{Name} !~ m{\A\*}smx } @{$Accounts};
    $Self->True( scalar @Expected >= 20, 'the fake org has accounts: ' . scalar @Expected );

    my $Run = sub {
        return $FakeObject->RunSync(
            Command   => 'SyncCompanies',
            Arguments => [@_],
        );
    };

    my $ValidCount = sub {
        my $Count = 0;
        for my $Account (@Expected) {
            my %Company = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $Account->{Id} );
            $Count++ if %Company && $Company{ValidID} == 1;
        }
        return $Count;
    };

    # First run creates everything.
    my ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode,                    0,                'first run: exit code 0' );
    $Self->Is( $Report->{counts}->{created}, scalar @Expected, 'first run: every Account created' );
    $Self->Is( $ValidCount->(),              scalar @Expected, 'first run: every company exists and is valid' );
    my %First = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $Expected[0]->{Id} );
    $Self->Is(
        $First{CustomerCompanyName},
        "$Expected[0]->{Name} ($Expected[0]->{Id})",
        'company name is "Name (Id)"',
    );

    # Second run right after writes nothing.
    ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode, 0, 'second run: exit code 0' );
    $Self->IsDeeply(
        [ map { $Report->{counts}->{$_} } qw(created updated invalidated deleted failed) ],
        [ 0, 0, 0, 0, 0 ],
        'second run: no writes',
    );
    $Self->Is( $Report->{counts}->{unchanged}, scalar @Expected, 'second run: everything unchanged' );

    # One change in Salesforce gives exactly one update.
    $SalesForceObject->Update(
        Type => 'Account',
        Data => {
            id          => $Expected[1]->{Id},
            BillingCity => 'Unit Test City',
        },
    );
    ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode,                    0, 'after a change: exit code 0' );
    $Self->Is( $Report->{counts}->{updated}, 1, 'after a change: exactly one update' );
    my %Changed = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $Expected[1]->{Id} );
    $Self->Is( $Changed{CustomerCompanyCity}, 'Unit Test City', 'the change arrived' );

    # Dry run writes nothing.
    $SalesForceObject->Update(
        Type => 'Account',
        Data => {
            id          => $Expected[1]->{Id},
            BillingCity => 'Dry Run City',
        },
    );
    ( $ExitCode, $Report ) = $Run->('--dry-run');
    $Self->Is( $ExitCode, 0, 'dry run: exit code 0' );
    %Changed = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $Expected[1]->{Id} );
    $Self->Is( $Changed{CustomerCompanyCity},        'Unit Test City', 'dry run: nothing written' );
    $Self->Is( scalar @{ $Report->{actions} || [] }, 1,                'dry run: the plan shows the one update' );

    # A removed Account is set invalid by the cleanup.
    $SalesForceObject->Delete( IDs => [ $Expected[2]->{Id} ] );
    ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode,                        0, 'cleanup: exit code 0' );
    $Self->Is( $Report->{counts}->{invalidated}, 1, 'cleanup: one company invalidated' );
    my %Gone = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $Expected[2]->{Id} );
    $Self->Is( $Gone{ValidID}, 2, 'cleanup: the removed Account is invalid, not deleted' );

    # More than the allowed share: refused without --force.
    $SalesForceObject->Delete( IDs => [ map { $_->{Id} } @Expected[ 3 .. 7 ] ] );
    ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode,                        2, 'share exceeded: exit code 2' );
    $Self->Is( $Report->{counts}->{invalidated}, 0, 'share exceeded: nothing invalidated' );
    ( $ExitCode, $Report ) = $Run->('--force');
    $Self->Is( $ExitCode,                        0, 'with --force: exit code 0' );
    $Self->Is( $Report->{counts}->{invalidated}, 5, 'with --force: the five companies invalidated' );

    $FakeObject->Stop();

    # cleanup of the database is done by RestoreDatabase
}

1;
