# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Paging end to end through the Perl API, one test per path: Query/QueryMore
# page by page, DoQuery all records, QueryIterator one record at a time over
# 2,600 records; plus the Perl side of a failing page (Error(), the log) and
# the iterator's own options. How pages are walked (batch sizes, fetching
# ahead, locator errors, short results) is tested where the pager lives:
# tests/paging.rs, tests/scripted.rs and src/query.rs.

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)
use utf8;

use JSON::PP ();
use Test::More;

use Kernel::System::ObjectManager;
use SalesForceTest::Backend qw(SettingsForFake SecretsOfFake NoSecretsLogged XSAvailable);
use SalesForceTest::Fake;

plan skip_all => 'fake-salesforce not built' if !SalesForceTest::Fake->Available();
plan skip_all => 'SalesForce::XS not built'  if !XSAvailable();

$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

my $Total = 2600;
my $Fake  = SalesForceTest::Fake->new( Args => [ '--generate', "accounts=$Total,owners=10", '--tls' ] );

%Kernel::Config::TestSettings = SettingsForFake( $Fake, 'soap-login' );
local $Kernel::OM = Kernel::System::ObjectManager->new();
my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
my $LogObject        = $Kernel::OM->Get('Kernel::System::Log');

my $Query = 'SELECT Id, Name FROM Account ORDER BY Id';

# --- Query / QueryMore, page by page ---
my $Page = $SalesForceObject->Query(
    Query => $Query,
    Limit => 1000
);
ok( $Page, 'Query succeeds' ) or diag explain $SalesForceObject->GetErrorDetails();
is( $Page->{done},                'false', 'first page: done is the string false' );
is( $Page->{size},                $Total,  'first page: size is the total' );
is( scalar @{ $Page->{records} }, 1000,    'first page: 1000 records (Limit = batch size)' );
ok( $Page->{queryLocator}, 'first page: a query locator' );

my %Seen  = map { $_->{Id} => 1 } @{ $Page->{records} };
my $Pages = 1;
PAGE:
while ( $Page->{done} eq 'false' ) {
    $Page = $SalesForceObject->QueryMore(
        QueryLocator => $Page->{queryLocator},
        Limit        => 1000
    );
    last PAGE if !$Page;
    $Pages++;
    $Seen{ $_->{Id} }++ for @{ $Page->{records} };
    last PAGE if $Pages > 10;
}
is( $Pages,                           3,      'QueryMore: three pages of up to 1000' );
is( scalar keys %Seen,                $Total, 'QueryMore: every record once' );
is( ( grep { $_ > 1 } values %Seen ), 0,      'QueryMore: no record twice' );
is( $Page->{queryLocator},            undef,  'last page: no locator' );

# --- DoQuery: everything at once ---
my $All = $SalesForceObject->DoQuery( Query => $Query );
is( scalar @{$All}, $Total, 'DoQuery returns all records of all pages' );
is_deeply( [ sort map { $_->{Id} } @{$All} ], [ sort keys %Seen ], 'DoQuery: the same records' );

# --- QueryIterator: one record at a time ---
my $Iterator = $SalesForceObject->QueryIterator(
    Query     => $Query,
    BatchSize => 500
);
ok( $Iterator, 'QueryIterator made' ) or diag explain $SalesForceObject->GetErrorDetails();
is( $Iterator->Pages(), 1,      'QueryIterator fetched the first page at once' );
is( $Iterator->Size(),  $Total, 'QueryIterator knows the total' );
my %IteratorSeen;
my $Count = 0;
RECORD:

while ( my $Record = $Iterator->Next() ) {
    $IteratorSeen{ $Record->{Id} }++;
    $Count++;
    last RECORD if $Count > $Total + 10;
}
is( $Count,                    $Total, 'QueryIterator gives every record' );
is( scalar keys %IteratorSeen, $Total, 'QueryIterator: each once' );
is( $Iterator->Count(),        $Total, 'Count() agrees' );
cmp_ok( $Iterator->Pages(), '>', 1, 'QueryIterator: Pages() counts the pages walked' );
is( $Iterator->Error(), undef, 'QueryIterator: no error at the end' );
is( $Iterator->Next(),  undef, 'Next() after the end stays undef' );

my $Legacy = $SalesForceObject->QueryIterator(
    Query     => 'SELECT Id FROM Account LIMIT 3',
    IdAsArray => 1
);
my $Record = $Legacy->Next();
is( ref $Record->{Id}, 'ARRAY', 'QueryIterator with IdAsArray' );

my $Empty = $SalesForceObject->QueryIterator( Query => "SELECT Id FROM Account WHERE Name = 'no such name'" );
is( $Empty->Next(),                             undef, 'an empty result: Next() is undef at once' );
is( $Empty->Error(),                            undef, 'an empty result is no error' );
is( $LogObject->GetLogEntry( Type => 'error' ), '',    'nothing logged at error so far' );

# --- a locator that expires in the middle: the iterator stops with an error ---
my $Broken = $SalesForceObject->QueryIterator(
    Query     => $Query,
    BatchSize => 1000
);
$Fake->Control( { invalidate_locators => JSON::PP::true } );
my $Got = 0;
$Got++ while $Broken->Next();

# How many records come before the failing page is the pager's business
# (tests/paging.rs, batch_of_500_and_locators_expiring_in_the_middle).
cmp_ok( $Got, '<', $Total, 'the iterator stops before the end' );
ok( $Broken->Error(), 'Error() says why it stopped' );
is( $Broken->Error() && $Broken->Error()->{SFCode}, 'INVALID_QUERY_LOCATOR', 'the Salesforce error code' );
like( $LogObject->GetLogEntry( Type => 'error' ), qr/QueryIterator failed/, 'the failure is logged' );

my $BadQuery = $SalesForceObject->QueryIterator( Query => 'SELECT Nope__x FROM Account' );
is( $BadQuery, undef, 'QueryIterator of a bad query returns undef at once' );

NoSecretsLogged( [ SecretsOfFake($Fake) ], 'paging' );

done_testing();
