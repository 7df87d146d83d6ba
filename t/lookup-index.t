# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Kernel::System::SalesForce::LookupIndex against the DB stand-in: which indexes the
# CustomerUser backend's LOWER() lookups get (PostgreSQL only, the default backend only,
# not when case-sensitive), Create twice (existing ones skipped), a failure with the database's
# message, Drop by name; and the package setup calling it on install and uninstall.
# That PostgreSQL uses the indexes is checked in a real OTRS (scripts/test/SalesForce/LookupIndex.t).

use strict;
use warnings;
no warnings 'once';    ## no critic

use File::Temp qw(tempdir);
use Test::More;

use Kernel::System::ObjectManager;

$ENV{SALESFORCE_TEST_HOME}      = tempdir( CLEANUP => 1 );
$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;

my $Root = __FILE__ =~ s{t/[^/]+\z}{}r || './';
require "${Root}var/packagesetup/SalesForceCustomerSync.pm";    ## no critic

my $StockBackend = {
    Module => 'Kernel::System::CustomerUser::DB',
    Params => {
        Table         => 'customer_user',
        CaseSensitive => 0
    },
    CustomerKey                        => 'login',
    CustomerUserPostMasterSearchFields => ['email'],
};

sub IndexNames {
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return [ sort map { $_->{indexname} } @{ $DBObject->StandInRows('pg_indexes') } ];
}

# ------------------------------------------------------------ which indexes
{
    local $Kernel::OM                   = Kernel::System::ObjectManager->new();
    local %Kernel::Config::TestSettings = ( CustomerUser => $StockBackend );
    my $LookupIndexObject = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex');

    my %Wanted = $LookupIndexObject->Wanted();
    is_deeply(
        $Wanted{Indexes},
        [
            {
                Name   => 'salesforce_cu_login_lower',
                Table  => 'customer_user',
                Column => 'login'
            },
            {
                Name   => 'salesforce_cu_email_lower',
                Table  => 'customer_user',
                Column => 'email'
            },
        ],
        'the stock backend on PostgreSQL: one index for the login, one for the e-mail lookup'
    );

    my %Result = $LookupIndexObject->Create();
    is_deeply( $Result{Created}, [ 'salesforce_cu_login_lower', 'salesforce_cu_email_lower' ], 'Create: both made' );
    is_deeply( $Result{Failed},  [],                                                           '... none failed' );
    is_deeply( IndexNames(), [ 'salesforce_cu_email_lower', 'salesforce_cu_login_lower' ], '... and in pg_indexes' );
    my ($Statement) = grep {m{CREATE INDEX}} @{ $Kernel::OM->Get('Kernel::System::DB')->{QueryLog} };
    is(
        $Statement,
        'CREATE INDEX IF NOT EXISTS salesforce_cu_login_lower ON customer_user (LOWER(login))',
        '... as expression indexes on LOWER(column), the shape of OTRS\'s lookups'
    );

    my $QueryLog   = $Kernel::OM->Get('Kernel::System::DB')->{QueryLog};
    my $Statements = @{$QueryLog};
    %Result = $LookupIndexObject->Create();
    is( scalar @{ $Result{Created} }, 2, 'Create again (an upgrade): both in place, no error' );
    is_deeply(
        [ grep {m{CREATE INDEX}} @{$QueryLog}[ $Statements .. $#{$QueryLog} ] ],
        [], '... without a CREATE (PostgreSQL would print a notice for each)'
    );
    is_deeply( IndexNames(), [ 'salesforce_cu_email_lower', 'salesforce_cu_login_lower' ], '... and not doubled' );

    # An index of someone else on the same table stays.
    $Kernel::OM->Get('Kernel::System::DB')->StandInInsert(
        Table => 'pg_indexes',
        Row   => {
            indexname => 'customer_user_login',
            tablename => 'customer_user',
            indexdef  => 'login'
        },
    );
    is_deeply(
        [ $LookupIndexObject->Drop() ],
        [ 'salesforce_cu_email_lower', 'salesforce_cu_login_lower' ],
        'Drop: the package\'s indexes'
    );
    is_deeply( IndexNames(), ['customer_user_login'], '... only them' );
}

# ------------------------------------------------------------ no indexes, and why
for my $Case (
    [ 'MySQL/MariaDB',            { 'DB::Type' => 'mysql' }, {}, qr{the database is mysql; .* PostgreSQL only} ],
    [ 'an LDAP backend',          {}, { Module => 'Kernel::System::CustomerUser::LDAP' }, qr{module is .*LDAP} ],
    [ 'a separate database',      {}, { Params => { DSN           => 'DBI:Pg:dbname=crm' } }, qr{separate database} ],
    [ 'a case-sensitive backend', {}, { Params => { CaseSensitive => 1 } },                   qr{case-sensitive} ],
    [ 'a table name that is not a name', {}, { Params => { Table => 'x; DROP TABLE y' } },    qr{not a plain name} ],
    )
{
    my ( $Name, $DBAttributes, $Backend, $Reason ) = @{$Case};
    local $Kernel::OM                   = Kernel::System::ObjectManager->new();
    local %Kernel::Config::TestSettings = ( CustomerUser => { %{$StockBackend}, %{$Backend} } );
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    @{$DBObject}{ keys %{$DBAttributes} } = values %{$DBAttributes};

    my %Result = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex')->Create();
    is_deeply( $Result{Created}, [], "$Name: no index" );
    like( $Result{Reason}, $Reason, '... and the reason says why' );
    is_deeply( IndexNames(), [], '... nothing in the database' );
}

# ------------------------------------------------------------ columns from the map, a failure
{
    local $Kernel::OM                   = Kernel::System::ObjectManager->new();
    local %Kernel::Config::TestSettings = (
        CustomerUser => {
            %{$StockBackend},
            CustomerKey                        => 'email',
            CustomerUserPostMasterSearchFields => [ 'email', 'Email', 'DynamicField_X', 'no_such_column' ],
        },
    );
    my $LookupIndexObject = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex');
    my %Wanted            = $LookupIndexObject->Wanted();
    is_deeply(
        [ map { $_->{Column} } @{ $Wanted{Indexes} } ],
        [ 'email', 'dynamicfield_x', 'no_such_column' ],
        'CustomerKey and the PostMaster search fields, each column once'
    );
    my %Result = $LookupIndexObject->Create();
    is_deeply( $Result{Created}, ['salesforce_cu_email_lower'], 'Create: the index of a real column is made' );
    is_deeply(
        [ map { $_->[0] } @{ $Result{Failed} } ],
        [ 'salesforce_cu_dynamicfield_x_lower', 'salesforce_cu_no_such_column_lower' ],
        '... the others fail alone'
    );
    like( $Result{Failed}->[0]->[1], qr{column "dynamicfield_x" does not exist}, '... with the database\'s message' );
}

# ------------------------------------------------------------ the package setup
{
    local $Kernel::OM                   = Kernel::System::ObjectManager->new();
    local %Kernel::Config::TestSettings = ( CustomerUser => $StockBackend );
    my $Setup = var::packagesetup::SalesForceCustomerSync->new();
    local *STDERR;
    open STDERR, '>', \my $Stderr;    ## no critic

    ok( $Setup->LookupIndexesCreate(), 'LookupIndexesCreate (install, upgrade, reinstall)' );
    is_deeply( IndexNames(), [ 'salesforce_cu_email_lower', 'salesforce_cu_login_lower' ], '... creates the indexes' );
    like(
        $Stderr, qr{indexes for the customer user lookups in place: salesforce_cu_login_lower},
        '... and says so'
    );

    ok( $Setup->CodeUninstall(), 'CodeUninstall' );
    is_deeply( IndexNames(), [], '... drops them' );
    like( $Stderr, qr{Indexes dropped: salesforce_cu_email_lower, salesforce_cu_login_lower\.}, '... and says so' );
}
{
    local $Kernel::OM                   = Kernel::System::ObjectManager->new();
    local %Kernel::Config::TestSettings = ( CustomerUser => $StockBackend );
    $Kernel::OM->Get('Kernel::System::DB')->{'DB::Type'} = 'mysql';
    my $Setup = var::packagesetup::SalesForceCustomerSync->new();
    local *STDERR;
    open STDERR, '>', \my $Stderr;    ## no critic

    ok( $Setup->LookupIndexesCreate(), 'LookupIndexesCreate on MySQL' );
    like(
        $Stderr, qr{no indexes for the customer user lookups: the database is mysql.*"Large first imports"}s,
        '... says there are none, why, and where to read more'
    );
}

done_testing();
