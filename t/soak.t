# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The short soak: a few rounds of SyncCompanies + SyncCustomers (DeleteOld on)
# against the fake org, with random faults (seeded) and random changes to the
# Salesforce data between the rounds. After every run no record that Salesforce
# still has may be invalidated or gone; after a final clean run the OTRS
# stand-ins must equal what Salesforce holds (read independently over REST).
# The long version is tools/soak (doc/dev/RELIABILITY.md).
#
#   SOAK_RUNS=6 SOAK_SEED=20261128 prove -I t/lib ... t/soak.t

use strict;
use warnings;

use Test::More;

use SalesForceTest::Fake;

plan skip_all => 'fake-salesforce not built (cargo build -p fake-salesforce)' if !SalesForceTest::Fake->Available();
plan skip_all => 'SalesForce::XS not built (make xs)'                         if !eval { require SalesForce::XS; 1 };
plan skip_all => 'HTTP::Tiny cannot do TLS (install IO::Socket::SSL)'
    if !( HTTP::Tiny->can('can_ssl') && HTTP::Tiny->can_ssl() );

use SalesForceTest::Soak;

my $Runs = $ENV{SOAK_RUNS} || 6;
my $Seed = $ENV{SOAK_SEED} || 20261128;

my @Progress;
my $Result = SalesForceTest::Soak->new(
    Runs     => $Runs,
    Seed     => $Seed,
    Accounts => 450,
    Log      => sub { push @Progress, $_[0] },
)->Run();

note $_ for @Progress;
note( SalesForceTest::Soak->Summary($Result) );

is( $Result->{Commands}, 2 * ( $Runs + 2 ), "both commands ran in each of the $Runs rounds and the two clean ones" );
ok( $Result->{RecordsChecked} > 1000, "records checked: $Result->{RecordsChecked}" );
is( $Result->{RecordsLost}, 0, 'no record that Salesforce still had was invalidated or deleted' )
    or diag join "\n", @{ $Result->{Lost} };
is_deeply( $Result->{FinalMismatches}, [], 'after the final clean run OTRS equals Salesforce' );
is_deeply( $Result->{Problems},        [], 'clean runs succeeded, no record failed, every data change applied' );

my $Injected = 0;
$Injected += $Result->{FaultsInjected}->{$_} for grep { $_ ne 'none' } keys %{ $Result->{FaultsInjected} };
my $Fired = 0;
$Fired += $_ for values %{ $Result->{FaultsFired} };
ok( $Injected >= $Runs, "faults injected: $Injected" );
ok( $Fired > 0,         "faults fired (the fake's count): $Fired" );
ok(
    ( $Result->{Exits}->{SyncCompanies}->{3} // 0 ) + ( $Result->{Exits}->{SyncCustomers}->{3} // 0 ) > 0,
    'some runs could not read Salesforce (exit 3) and changed nothing'
);

my $Changes = 0;
$Changes += $_ for values %{ $Result->{Changes} };
ok( $Changes >= $Runs,               "Salesforce data changed between the runs: $Changes changes" );
ok( $Result->{FinalCompanies} > 400, "final: $Result->{FinalCompanies} valid companies" );
ok( $Result->{FinalCustomers} >= 3,  "final: $Result->{FinalCustomers} valid customer users" );

# Self-check: a sync that invalidates one company Salesforce still has is
# caught by the loss check and by the final comparison.
my $Broken = SalesForceTest::Soak->new(
    Runs     => 1,
    Seed     => $Seed,
    Accounts => 40,
    Sabotage => sub {
        my ($Command) = @_;
        return if $Command ne 'SyncCompanies';
        my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
        my ($Victim) = sort map { $_->{customer_id} }
            grep { $_->{valid_id} eq '1' } @{ $DBObject->StandInRows('customer_company') };
        $DBObject->StandInUpdate(
            Table => 'customer_company',
            Where => sub { $_[0]->{customer_id} eq $Victim },
            Set   => { valid_id => 2 },
        );
    },
)->Run();
is( $Broken->{RecordsLost}, 1, 'self-check: a company wrongly set invalid counts as lost' );

done_testing();
