# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Kernel::System::SalesForce (the API backend) smoke test inside a real OTRS 6, against
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

    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');

    my $Connection = $SalesForceObject->TestConnection();
    $Self->True( ref $Connection eq 'HASH', 'TestConnection: signed in' );
    $Self->Is( $Connection->{UserName}, $Info->{username}, 'TestConnection: the user name' );
    $Self->Is( $Connection->{OrgID},    $Info->{org_id},   'TestConnection: the org id' );

    my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name FROM Account' );
    $Self->Is( ref $Accounts,               'ARRAY', 'DoQuery: a list of records' );
    $Self->Is( scalar @{ $Accounts || [] }, 30,      'DoQuery: every Account of the fake org' );
    $Self->True(
        ( ( $Accounts->[0]->{Id} // '' ) =~ m{\A001\w{15}\z}smx ? 1 : 0 ),
        'DoQuery: an 18-character Account Id'
    );

    my $Page = $SalesForceObject->Query(
        Query => 'SELECT Id, Name FROM Account',
        Limit => 200,
    );
    $Self->Is( $Page->{size}, 30, 'Query: size is the total' );

    my $Created = $SalesForceObject->Create(
        Type => 'Account',
        Name => 'Unit Test Account',
    );
    $Self->Is( $Created->{success}, 'true', 'Create: an Account' );
    my $Updated = $SalesForceObject->Update(
        Type => 'Account',
        Data => {
            id          => $Created->{id},
            BillingCity => 'Bonn'
        },
    );
    $Self->Is( $Updated->{success}, 'true', 'Update: the Account' );
    my $Deleted = $SalesForceObject->Delete( IDs => [ $Created->{id} ] );
    $Self->Is( $Deleted->{success}, 'true', 'Delete: the Account' );

    # An error is logged and reported, never with a secret in it.
    my $Bad = $SalesForceObject->DoQuery( Query => 'SELECT NoSuchField__x FROM Account' );
    $Self->False( $Bad, 'a bad query returns undef' );
    my $Error = $SalesForceObject->GetErrorDetails();
    $Self->True(
        ( ( $Error->{Message} // '' ) =~ m{NoSuchField__x|INVALID_FIELD}smx ? 1 : 0 ),
        'GetErrorDetails says why'
    );
    $Self->False(
        ( ( join ' ', map { $_ // '' } values %{ $Error || {} } ) =~ m{\Q$Info->{password}\E}smx ? 1 : 0 ),
        'no password in the error',
    );

    $FakeObject->Stop();
}

1;
