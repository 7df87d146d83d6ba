# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Admin::SalesForce::SyncCustomers (Account owners) end to end inside a real OTRS 6, against
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
            'SalesForceModule::Customers::Mode'                  => 'AccountOwner',
            'SalesForceModule::Customers::DeleteOld'             => '005*',
            'SalesForceModule::Customers::DefaultCustomerID'     => 'SalesForceUnitTest',
            'SalesForceModule::Customers::Where'                 => '',
            'SalesForceModule::Customers::AddAttributesToParams' => { UserTitle => 'Owner.Title' },
        },
    );
    last TEST if !$Info;

    # Customer users synced before this test (on a live system) would count as cleanup candidates
    # for DeleteOld '005*' and change every count below: remove them inside the test transaction
    # (RestoreDatabase rolls this back).
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->Do( SQL => "DELETE FROM customer_user_customer WHERE user_id LIKE '005%'" );
    $DBObject->Do( SQL => "DELETE FROM customer_user WHERE login LIKE '005%'" );
    $Kernel::OM->Get('Kernel::System::Cache')->CleanUp( Type => 'CustomerUser' );

    # The sync's state file is not part of the database: keep it, Stop() puts it back.
    $FakeObject->KeepStateFile( Kind => 'customers' );

    my $SalesForceObject   = $Kernel::OM->Get('Kernel::System::SalesForce');
    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');

    # What Salesforce holds: the owners of the (valid) Accounts and what they own.
    my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name, OwnerId FROM Account' ) || [];
    my %Owned;
    for my $Account ( grep { $_->{Name} !~ m{\A\*}smx } @{$Accounts} ) {
        push @{ $Owned{ $Account->{OwnerId} } }, $Account->{Id};
    }
    my @Owners = sort keys %Owned;
    $Self->True( scalar @Owners >= 2, 'the fake org has Account owners: ' . scalar @Owners );

    my $Run = sub {
        return $FakeObject->RunSync(
            Command   => 'SyncCustomers',
            Arguments => [@_],
        );
    };

    my ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode,                    0,              'first run: exit code 0' );
    $Self->Is( $Report->{counts}->{created}, scalar @Owners, 'first run: one customer user per Account owner' );

    for my $Owner (@Owners) {
        my %User = $CustomerUserObject->CustomerUserDataGet( User => $Owner );
        $Self->True( scalar %User, "owner $Owner is a customer user" );
        $Self->Is( $User{UserCustomerID}, 'SalesForceUnitTest', "owner $Owner: UserCustomerID is DefaultCustomerID" );

        # Sorted here: OTRS lists them ORDER BY customer_id, which MySQL/MariaDB's
        # case-insensitive collation orders differently from Perl's sort.
        $Self->IsDeeply(
            [
                sort $CustomerUserObject->CustomerUserCustomerMemberList( CustomerUserID => $User{UserLogin} // $Owner )
            ],
            [ sort @{ $Owned{$Owner} } ],
            "owner $Owner: member of every Account owned",
        );
    }

    ( $ExitCode, $Report ) = $Run->();
    $Self->Is( $ExitCode, 0, 'second run: exit code 0' );
    $Self->IsDeeply(
        [ map { $Report->{counts}->{$_} } qw(created updated invalidated deleted failed) ],
        [ 0, 0, 0, 0, 0 ],
        'second run: no writes',
    );

    # An Account changes hands: one membership moves.
    if ( @Owners >= 2 ) {
        my $From    = $Owners[0];
        my $To      = $Owners[1];
        my $Account = $Owned{$From}->[0];
        $SalesForceObject->Update(
            Type => 'Account',
            Data => {
                id      => $Account,
                OwnerId => $To,
            },
        );
        ( $ExitCode, $Report ) = $Run->();
        $Self->Is( $ExitCode, 0, 'owner change: exit code 0' );
        $Self->True(
            scalar(
                grep { $_ eq $Account } $CustomerUserObject->CustomerUserCustomerMemberList( CustomerUserID => $To )
            ),
            'owner change: the new owner is a member',
        );
        if ( @{ $Owned{$From} } > 1 ) {
            $Self->False(
                scalar(
                    grep { $_ eq $Account }
                        $CustomerUserObject->CustomerUserCustomerMemberList( CustomerUserID => $From )
                ),
                'owner change: the old owner is no longer a member',
            );
        }
    }

    $FakeObject->Stop();

    # cleanup of the database is done by RestoreDatabase
}

1;
