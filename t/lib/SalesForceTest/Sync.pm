# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package SalesForceTest::Sync;

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)

use File::Basename qw(dirname);
use File::Spec;
use File::Temp qw(tempdir);
use JSON::PP   ();
use Test::More ();

use SalesForceTest::Fake;

=head1 NAME

SalesForceTest::Sync - the setup shared by the end-to-end sync tests

=head1 SYNOPSIS

    use SalesForceTest::Sync;

    SalesForceTest::Sync->SkipUnlessBuilt();

    my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=40,owners=5,contacts=50' );
    my $Home = SalesForceTest::Sync->Configure(
        Fake     => $Fake,
        Settings => { 'SalesForceModule::BatchSize' => 200 },
    );

    use Kernel::System::ObjectManager;
    local $Kernel::OM = Kernel::System::ObjectManager->new();

    my ( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
        Command   => 'SyncCompanies',
        Arguments => ['--json'],
    );

=head1 DESCRIPTION

The OTRS stand-ins (t/lib) read their settings from C<%Kernel::Config::TestSettings>
and keep their data under C<$ENV{SALESFORCE_TEST_HOME}>; the sync tests all point them at a
fake Salesforce org started over HTTPS with generated data, then run the console
commands with their output captured. This module does those steps once.

=head1 PUBLIC INTERFACE

=head2 SkipUnlessBuilt()

Skips the whole test file (C<plan skip_all>) when the fake org binary or the
SalesForce::XS binding has not been built.

    SalesForceTest::Sync->SkipUnlessBuilt();

=cut

sub SkipUnlessBuilt {
    my ( $Type, %Param ) = @_;

    if ( !SalesForceTest::Fake->Available() ) {
        Test::More::plan( skip_all => 'fake-salesforce not built (cargo build -p fake-salesforce)' );
    }
    if ( !eval { require SalesForce::XS; 1 } ) {
        Test::More::plan( skip_all => 'SalesForce::XS not built (make xs)' );
    }
    return 1;
}

=head2 StartFake()

Starts the fake org over HTTPS with generated data; returns the
L<SalesForceTest::Fake> object (the fake stops when it goes out of scope).

    my $Fake = SalesForceTest::Sync->StartFake(
        Generate => 'accounts=40,owners=5,contacts=50',
        Args     => [ '--seed', 7 ],                       # optional, more arguments
    );

=cut

sub StartFake {
    my ( $Type, %Param ) = @_;

    die 'StartFake needs Generate (e.g. accounts=40,owners=5,contacts=50)' if !$Param{Generate};

    return SalesForceTest::Fake->new(
        Args => [ '--tls', '--generate', $Param{Generate}, @{ $Param{Args} || [] } ],
    );
}

=head2 Configure()

Points the OTRS stand-ins at the fake org: sets C<SALESFORCE_TEST_HOME> (a new temporary
directory unless C<Home> is given), the SysConfig XML directory of this package,
quiet logging, and C<%Kernel::Config::TestSettings> to the fake's credentials plus
the given C<Settings> (which win). Returns the OTRS home directory.

    my $Home = SalesForceTest::Sync->Configure(
        Fake     => $Fake,
        Settings => { 'SalesForceModule::Customers::Mode' => 'AccountOwner' },    # optional
        Home     => $Dir,                                                         # optional
    );

=cut

sub Configure {
    my ( $Type, %Param ) = @_;

    die 'Configure needs Fake (a SalesForceTest::Fake)' if !$Param{Fake};

    my $Info = $Param{Fake}->{Info};
    my $Home = $Param{Home} || tempdir( CLEANUP => 1 );
    my $Root = File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), '..', '..', '..' ) );

    $ENV{SALESFORCE_TEST_HOME}      = $Home;
    $ENV{SALESFORCE_CONFIG_XML_DIR} = File::Spec->catdir( $Root, 'Kernel', 'Config', 'Files', 'XML' );
    $ENV{SALESFORCE_TEST_QUIET_LOG} = 1;
    %Kernel::Config::TestSettings   = (
        'SalesForceModule::AuthUser'     => $Info->{username},
        'SalesForceModule::AuthPassword' => $Info->{password},
        'SalesForceModule::AuthSecToken' => $Info->{security_token},
        'SalesForceModule::Proxy'        => $Info->{soap_login_url},
        'SalesForceModule::CAFile'       => $Info->{ca_file},
        %{ $Param{Settings} || {} },
    );

    return $Home;
}

=head2 FakeData()

Changes records in the fake org between runs, as Salesforce users would (see
L<SalesForceTest::Fake/Data()>). Returns 1 on success; on failure it prints the
reason as a test diagnostic and returns 0.

    ok( SalesForceTest::Sync->FakeData( Fake => $Fake, Data => { delete => [$ID] } ), 'Account deleted' );

=cut

sub FakeData {
    my ( $Type, %Param ) = @_;

    die 'FakeData needs Fake and Data' if !$Param{Fake} || ref $Param{Data} ne 'HASH';

    return 1 if eval { $Param{Fake}->Data( $Param{Data} ); 1 };
    Test::More::diag("fake data: $@");
    return 0;
}

=head2 RunCommand()

Runs one console command (C<Admin::SalesForce::Command>) in this process through
C<$Kernel::OM>, with C<--allow-root> first unless C<NoRoot> is set, STDOUT and
STDERR captured. Returns the exit code, the decoded JSON report (only when the
arguments contain C<--json> and STDOUT is valid JSON, else undef), STDOUT and STDERR.

    my ( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
        Command   => 'SyncCustomers',
        Arguments => [ '--json', '--dry-run' ],
        NoRoot    => 0,                             # optional
    );

=cut

sub RunCommand {
    my ( $Type, %Param ) = @_;

    die 'RunCommand needs Command (e.g. SyncCompanies)' if !$Param{Command};

    my @Arguments = @{ $Param{Arguments} || [] };
    my $Command   = $Kernel::OM->Create("Kernel::System::Console::Command::Admin::SalesForce::$Param{Command}");

    my ( $Out, $Err ) = ( '', '' );
    my $Exit;
    {
        local *STDOUT;
        local *STDERR;
        open STDOUT, '>:encoding(UTF-8)', \$Out or die $!;    ## no critic
        open STDERR, '>:encoding(UTF-8)', \$Err or die $!;    ## no critic
        $Exit = $Command->Execute( ( $Param{NoRoot} ? () : '--allow-root' ), @Arguments );
    }
    my $Report = ( grep { $_ eq '--json' } @Arguments ) ? eval { JSON::PP->new()->utf8()->decode($Out) } : undef;

    return ( $Exit, $Report, $Out, $Err );
}

=head2 Saved()

Whether a save call of Kernel::System::SalesForce (C<Create()>, C<Update()>,
C<Delete()>, ... in scalar context) succeeded: its first result says C<success>.

    ok( SalesForceTest::Sync->Saved( scalar $SalesForceObject->Delete( IDs => [$ID] ) ), 'deleted' );

=cut

sub Saved {
    my ( $Type, $Result ) = @_;

    return ref $Result eq 'HASH' && ( $Result->{success} // '' ) eq 'true' ? 1 : 0;
}

=head2 CompanyWrites()

What the company sync wrote so far into the OTRS stand-ins, as text to compare
before and after a run: the DB writes, then the C<CustomerCompanyAdd> and
C<CustomerCompanyUpdate> calls (C<12/CustomerCompanyAdd=10,CustomerCompanyUpdate=2>).

    my $Before = SalesForceTest::Sync->CompanyWrites();

=cut

sub CompanyWrites {
    my ( $Type, %Param ) = @_;

    my $Calls = $Kernel::OM->Get('Kernel::System::CustomerCompany')->{StandInCalls};
    return ( $Kernel::OM->Get('Kernel::System::DB')->{StandInWrites} // 0 ) . '/' . join ',',
        map { "$_=" . ( $Calls->{$_} // 0 ) } qw(CustomerCompanyAdd CustomerCompanyUpdate);
}

1;
