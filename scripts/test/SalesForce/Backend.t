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

use File::Temp();
use JSON::PP();
use POSIX();
use Time::HiRes();

my $FakeBinary = $ENV{FAKE_SALESFORCE_BIN};
if ( !$FakeBinary || !-x $FakeBinary ) {
    $Self->True(
        1,
        'SKIPPED: set FAKE_SALESFORCE_BIN to the fake-salesforce binary to run the SalesForce sync tests',
    );
    return 1;
}

$Kernel::OM->ObjectParamAdd(
    'Kernel::System::UnitTest::Helper' => {
        RestoreDatabase => 1,
    },
);
my $Helper       = $Kernel::OM->Get('Kernel::System::UnitTest::Helper');
my $ConfigObject = $Kernel::OM->Get('Kernel::Config');

# Start the fake org (its first stdout line is a JSON object with the URLs and
# credentials) and stop it at the end of this file.
my $FakeDir = File::Temp::tempdir( CLEANUP => 1 );
my $FakePID = fork();
die "fork: $!" if !defined $FakePID;
if ( !$FakePID ) {

    # The unit test driver replaces STDOUT and STDERR by in-memory handles (without --verbose),
    # so "open STDOUT" would not reach file descriptor 1: put the files on 1 and 2 directly.
    open my $Out, '>', "$FakeDir/stdout" or POSIX::_exit(126);    ## no critic
    open my $Err, '>', "$FakeDir/stderr" or POSIX::_exit(126);    ## no critic
    POSIX::dup2( fileno $Out, 1 ) or POSIX::_exit(126);
    POSIX::dup2( fileno $Err, 2 ) or POSIX::_exit(126);
    exec $FakeBinary, '--listen', '127.0.0.1:0', '--tls', '--generate', 'accounts=30,owners=4,contacts=40'
        or POSIX::_exit(127);
}
my $Info;
for my $Try ( 1 .. 300 ) {
    if ( open my $FH, '<', "$FakeDir/stdout" ) {                  ## no critic
        my $Line = <$FH>;
        close $FH;
        if ( $Line && $Line =~ m{\n\z}smx ) {
            $Info = JSON::PP->new()->decode($Line);
            last;
        }
    }
    Time::HiRes::sleep(0.1);
}
my $StopFake = sub {
    kill 'TERM', $FakePID;
    waitpid $FakePID, 0;
};
if ( !$Self->True( $Info, 'fake Salesforce org started' ) ) {
    $StopFake->();
    return 1;
}

# Point the package at the fake; keep e-mail checks off (no DNS in tests).
my %Settings = (
    'SalesForceModule'                                   => 1,
    'SalesForceModule::AuthFlow'                         => 'soap-login',
    'SalesForceModule::AuthUser'                         => $Info->{username},
    'SalesForceModule::AuthPassword'                     => $Info->{password},
    'SalesForceModule::AuthSecToken'                     => $Info->{security_token},
    'SalesForceModule::Proxy'                            => $Info->{soap_login_url},
    'SalesForceModule::CAFile'                           => $Info->{ca_file},
    'SalesForceModule::ValidData'                        => 1,
    'SalesForceModule::Companies::DeleteOld'             => '001*',
    'SalesForceModule::Companies::Where'                 => '',
    'SalesForceModule::Cleanup::Action'                  => 'invalidate',
    'SalesForceModule::Cleanup::MaxSharePercent'         => 10,
    'SalesForceModule::Companies::AddAttributesToParams' => { CustomerCompanyCity => 'BillingCity' },
    'CheckEmailAddresses'                                => 0,
);
for my $Key ( sort keys %Settings ) {
    $Helper->ConfigSettingChange(
        Valid => 1,
        Key   => $Key,
        Value => $Settings{$Key},
    );
}

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

$StopFake->();

1;
