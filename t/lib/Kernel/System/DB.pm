# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::DB;

# CI stand-in for the OTRS 6 database layer. It holds the few tables the
# sync reads (customer_company, customer_user, customer_user_customer,
# customer_preferences, ticket) and the package's run history
# (salesforce_sync_run) as in-memory rows and answers the small SQL subset the
# sync and Kernel::System::SalesForce::RunHistory issue:
#
#   SELECT [DISTINCT] col, col, ... FROM table [WHERE col = ?] [ORDER BY col [ASC|DESC], ...]
#   SELECT COUNT(*) FROM table [WHERE col = ?]
#   INSERT INTO table (col, col, ...) VALUES (?, ?, ...)     (every value bound)
#   DELETE FROM table WHERE col = ?
#   DELETE FROM table WHERE col < ?
#   CREATE INDEX IF NOT EXISTS name ON table (LOWER(col))    (kept in pg_indexes)
#   DROP INDEX IF EXISTS name
#
# Prepare's Limit and Start behave as in OTRS (Start skips rows only with a
# Limit), so a statement must never carry a LIMIT of its own.
#
# Anything else is logged as an error and fails, like a DB error would.
# The CustomerCompany/CustomerUser stand-ins keep their rows here (through
# the StandIn* methods), so SELECTs see what the API wrote. Unique keys are
# enforced as in the OTRS schema (customer_company.customer_id and .name,
# customer_user.login), with the DB error message shape of Kernel::System::DB.

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::System::Log',
);

# Column sizes column_info reports (see Kernel::System::DB::StandInHandle::column_info).
our %ColumnSizes;

my %UniqueKeys = (
    customer_company    => [ [ 'customer_id', 'customer_company_pkey' ], [ 'name', 'customer_company_name' ] ],
    customer_user       => [ [ 'login',       'customer_user_login' ] ],
    salesforce_sync_run => [ [ 'id',          'salesforce_sync_run_pkey' ], [ 'run_key', 'salesforce_sync_run_key' ] ],
);

# Tables whose id column the database numbers (AutoIncrement in the schema XML).
my %AutoIncrement = (
    salesforce_sync_run => 'id',
);

# Column types checked on INSERT (as PostgreSQL would refuse a value): the run history's,
# as the .sopm's TableCreate declares them.
my %ColumnTypes = (
    salesforce_sync_run => {
        id          => 'BIGINT',
        run_key     => 'VARCHAR(40)',
        kind        => 'VARCHAR(20)',
        run_trigger => 'VARCHAR(20)',
        dry_run     => 'SMALLINT',
        run_kind    => 'VARCHAR(20)',
        status      => 'VARCHAR(20)',
        exit_code   => 'SMALLINT',
        message     => 'VARCHAR(250)',
        started     => 'DATE',
        duration_ms => 'BIGINT',
        api_calls   => 'INTEGER',
        (
            map { $_ => 'INTEGER' }
                qw(created updated unchanged invalidated deleted skipped failed members_added members_removed)
        ),
        report    => 'LONGBLOB',
        create_by => 'INTEGER',
    },
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {
        Tables => {
            customer_company       => [],
            customer_user          => [],
            customer_user_customer => [],
            customer_preferences   => [],
            ticket                 => [],
            salesforce_sync_run    => [],
            pg_indexes             => [],
        },
        Cursor       => [],
        QueryLog     => [],
        StandInCalls => {},
        'DB::Type'   => 'postgresql',
    };
    bless $Self, $Type;

    # The DBI handle as far as the sync uses it: transactions (begin_work,
    # commit, rollback, AutoCommit), with PostgreSQL's rule that a failed
    # statement aborts the transaction until it is rolled back (to a savepoint).
    $Self->{dbh} = Kernel::System::DB::StandInHandle->new($Self);
    return $Self;
}

sub Connect {
    my ( $Self, %Param ) = @_;

    return $Self->{dbh};
}

sub Prepare {
    my ( $Self, %Param ) = @_;

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');
    $Self->{Cursor} = [];

    if ( !$Param{SQL} ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => 'Need SQL!',
        );
        return;
    }
    my @Bind;
    if ( $Param{Bind} ) {
        @Bind = $Self->_Bind( $Param{Bind} );
        return if !$Self->{BindOk};
    }

    push @{ $Self->{QueryLog} }, $Param{SQL};
    $Self->{StandInCalls}->{Prepare}++;
    return if $Self->_Aborted( $Param{SQL} );

    my $SQL = $Param{SQL};
    $SQL =~ s{\s+}{ }smxg;
    $SQL =~ s{^\s+|\s+$}{}smxg;

    my $Match = $SQL =~ m{
        \A SELECT \s+ (DISTINCT \s+)? (.+?) \s+ FROM \s+ (\w+)
        (?: \s+ WHERE \s+ (\w+) \s* = \s* \? )?
        (?: \s+ ORDER \s+ BY \s+ ( \w+ (?: \s+ (?: ASC | DESC ) )? (?: \s* , \s* \w+ (?: \s+ (?: ASC | DESC ) )? )* ) )?
        \z
    }smxi;
    if ( !$Match ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => "Stand-in DB does not understand this statement, SQL: '$Param{SQL}'",
        );
        return;
    }
    my ( $Distinct, $ColumnList, $Table, $WhereColumn, $OrderList ) = ( $1, $2, lc $3, $4, $5 );
    my $Rows = $Self->{Tables}->{$Table};
    if ( !$Rows ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => "relation \"$Table\" does not exist, SQL: '$Param{SQL}'",
        );
        return;
    }
    my @Columns = map { my $C = $_; $C =~ s{^\s+|\s+$}{}smxg; lc $C } split m{,}, $ColumnList;
    my $Count   = @Columns == 1 && $Columns[0] =~ m{\A COUNT \s* \( \s* \* \s* \) \z}smxi;
    if ( $Count && ( $Distinct || $OrderList ) ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => "Stand-in DB does not understand this statement, SQL: '$Param{SQL}'",
        );
        return;
    }

    my @Selected = @{$Rows};
    if ($WhereColumn) {
        my $Value = $Bind[0];
        @Selected = grep { defined $_->{ lc $WhereColumn } && $_->{ lc $WhereColumn } eq $Value } @Selected;
    }
    if ($OrderList) {
        my @Order = map { [ lc $_->[0], uc( $_->[1] // 'ASC' ) eq 'DESC' ? -1 : 1 ] }
            map { [ split m{\s+}smx ] } map {s{^\s+|\s+$}{}smxgr} split m{,}, $OrderList;
        for my $Order (@Order) {
            if ( !exists $Self->_ColumnsOf($Table)->{ $Order->[0] } ) {
                $LogObject->Log(
                    Priority => 'error',
                    Message  => "column \"$Order->[0]\" does not exist, SQL: '$Param{SQL}'",
                );
                return;
            }
        }
        @Selected = sort { _CompareRows( $a, $b, \@Order ) } @Selected;
    }
    if ($Count) {
        $Self->{Cursor} = [ [ scalar @Selected ] ];
        return 1;
    }

    my @Result;
    my %Seen;
    for my $Row (@Selected) {
        for my $Column (@Columns) {
            if ( !exists $Self->_ColumnsOf($Table)->{$Column} ) {
                $LogObject->Log(
                    Priority => 'error',
                    Message  => "column \"$Column\" does not exist, SQL: '$Param{SQL}'",
                );
                return;
            }
        }
        my @Values = map { $Row->{$_} } @Columns;
        if ($Distinct) {
            my $Key = join "\x{0}", map { $_ // "\x{1}" } @Values;
            next if $Seen{$Key}++;
        }
        push @Result, \@Values;
    }
    if ( $Param{Start} && $Param{Limit} ) {
        splice @Result, 0, $Param{Start};
    }
    if ( $Param{Limit} && @Result > $Param{Limit} ) {
        splice @Result, $Param{Limit};
    }
    $Self->{Cursor} = \@Result;
    return 1;
}

sub FetchrowArray {
    my ( $Self, %Param ) = @_;

    my $Row = shift @{ $Self->{Cursor} };
    return if !$Row;
    return @{$Row};
}

sub SelectAll {
    my ( $Self, %Param ) = @_;

    return if !$Self->Prepare(%Param);
    my @Rows;
    while ( my @Row = $Self->FetchrowArray() ) {
        push @Rows, [@Row];
    }
    return \@Rows;
}

sub Do {
    my ( $Self, %Param ) = @_;

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');
    if ( !$Param{SQL} ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => 'Need SQL!',
        );
        return;
    }
    my @Bind;
    if ( $Param{Bind} ) {
        @Bind = $Self->_Bind( $Param{Bind} );
        return if !$Self->{BindOk};
    }

    push @{ $Self->{QueryLog} }, $Param{SQL};
    $Self->{StandInCalls}->{Do}++;

    my $SQL = $Param{SQL};
    $SQL =~ s{\s+}{ }smxg;
    $SQL =~ s{^\s+|\s+$}{}smxg;
    if ( $SQL =~ m{\A (SAVEPOINT|ROLLBACK \s TO \s SAVEPOINT|RELEASE \s SAVEPOINT) \s (\w+) \z}smxi ) {
        return $Self->_Savepoint( uc $1, $2, $Param{SQL} );
    }
    return if $Self->_Aborted( $Param{SQL} );
    if ( $SQL =~ m{\A INSERT \s+ INTO \s+ (\w+) \s* \( ([\w\s,]+) \) \s* VALUES \s* \( ([\s?,]+) \) \z}smxi ) {
        my ( $Table, $ColumnList, $Values ) = ( lc $1, $2, $3 );
        my @Columns      = map {lc} grep {length} split m{[\s,]+}smx, $ColumnList;
        my $Placeholders = () = $Values =~ m{\?}smxg;
        if ( $Placeholders != @Columns || $Placeholders != @Bind ) {
            return $Self->_DBError(
                scalar(@Columns) . ' columns, ' . $Placeholders . ' values and ' . scalar(@Bind) . ' bound values',
                $Param{SQL}
            );
        }
        if ( !$Self->{Tables}->{$Table} ) {
            return $Self->_DBError( "relation \"$Table\" does not exist", $Param{SQL} );
        }
        my %Row;
        @Row{@Columns} = @Bind;
        return $Self->_InsertRow( $Table, \%Row, $Param{SQL} );
    }
    if ( $SQL =~ m{\A DELETE \s+ FROM \s+ (\w+) \s+ WHERE \s+ (\w+) \s* < \s* \? \z}smxi ) {
        my ( $Table, $Column ) = ( lc $1, lc $2 );
        my $Rows = $Self->{Tables}->{$Table};
        if ( !$Rows ) {
            return $Self->_DBError( "relation \"$Table\" does not exist", $Param{SQL} );
        }
        if ( !exists $Self->_ColumnsOf($Table)->{$Column} ) {
            return $Self->_DBError( "column \"$Column\" does not exist", $Param{SQL} );
        }
        my $Before = $Bind[0];
        return $Self->StandInDelete(
            Table => $Table,
            Where => sub { defined $_[0]->{$Column} && _Compare( $_[0]->{$Column}, $Before ) < 0 },
        );
    }
    if ( $SQL =~ m{\A DELETE \s+ FROM \s+ (\w+) \s+ WHERE \s+ (\w+) \s* = \s* \? \z}smxi ) {
        my ( $Table, $Column ) = ( lc $1, lc $2 );
        my $Rows = $Self->{Tables}->{$Table};
        if ( !$Rows ) {
            $LogObject->Log(
                Priority => 'error',
                Message  => "relation \"$Table\" does not exist, SQL: '$Param{SQL}'",
            );
            return;
        }
        $Self->_Journal( $Rows, [ @{$Rows} ] );
        @{$Rows} = grep { !( defined $_->{$Column} && $_->{$Column} eq $Bind[0] ) } @{$Rows};
        $Self->_CountWrite($Table);
        return 1;
    }
    if ( $SQL =~ m{\A CREATE \s INDEX \s IF \s NOT \s EXISTS \s (\w+) \s ON \s (\w+) \s \( LOWER\((\w+)\) \) \z}smxi ) {
        my ( $Name, $Table, $Column ) = ( lc $1, lc $2, lc $3 );
        if ( !$Self->{Tables}->{$Table} ) {
            return $Self->_DBError( "relation \"$Table\" does not exist", $Param{SQL} );
        }
        if ( !exists $Self->_ColumnsOf($Table)->{$Column} ) {
            return $Self->_DBError( "column \"$Column\" does not exist", $Param{SQL} );
        }
        return 1 if grep { $_->{indexname} eq $Name } @{ $Self->{Tables}->{pg_indexes} };
        return $Self->StandInInsert(
            Table => 'pg_indexes',
            Row   => {
                indexname => $Name,
                tablename => $Table,
                indexdef  => "lower($Column)"
            },
        );
    }
    if ( $SQL =~ m{\A DROP \s INDEX \s IF \s EXISTS \s (\w+) \z}smxi ) {
        my $Name = lc $1;
        return $Self->StandInDelete(
            Table => 'pg_indexes',
            Where => sub { $_[0]->{indexname} eq $Name },
        );
    }
    $LogObject->Log(
        Priority => 'error',
        Message  => "Stand-in DB does not understand this statement, SQL: '$Param{SQL}'",
    );
    return;
}

# The last error, as DBI's errstr gives it to OTRS's Error().
sub Error {
    my ($Self) = @_;

    return $Self->{LastError};
}

sub Quote {
    my ( $Self, $Value, $Type ) = @_;

    return if !defined $Value;
    if ( $Type && ( $Type eq 'Integer' || $Type eq 'Number' ) ) {
        return $Value if $Value =~ m{\A -? \d+ (?: \.\d+ )? \z}smx;
        return;
    }
    $Value =~ s{'}{''}smxg;
    return $Value;
}

sub Ping {
    return 1;
}

# ---------------------------------------------------------------------------
# Stand-in helpers, used by the CustomerCompany/CustomerUser stand-ins and by
# tests. Not part of the OTRS API.

sub StandInRows {
    my ( $Self, $Table ) = @_;

    return $Self->{Tables}->{$Table};
}

sub StandInInsert {
    my ( $Self, %Param ) = @_;

    my $Table = $Param{Table};
    my $Row   = $Param{Row};
    my $SQL   = "INSERT INTO $Table (" . join( ', ', sort keys %{$Row} ) . ') VALUES (...)';
    return if $Self->_Aborted($SQL);

    # The database numbers an AutoIncrement id: one above every id it handed out (here: the
    # highest in the table, so processes sharing the tables never hand out the same id).
    if ( my $Key = $AutoIncrement{$Table} ) {
        if ( defined $Row->{$Key} ) {
            return $Self->_DBError( "the stand-in numbers $Table.$Key itself; do not insert it", $SQL );
        }
        my ($Highest) = sort { $b <=> $a } map { $_->{$Key} // 0 } @{ $Self->{Tables}->{$Table} };
        $Highest = $Self->{Sequences}->{$Table} if ( $Self->{Sequences}->{$Table} // 0 ) > ( $Highest // 0 );
        $Row     = {
            %{$Row},
            $Key => ( $Highest // 0 ) + 1,
        };
        $Self->{Sequences}->{$Table} = $Row->{$Key};
    }

    for my $Column ( sort keys %{ $Self->_NotNull($Table) } ) {
        if ( !defined $Row->{$Column} ) {
            return $Self->_DBError(
                "null value in column \"$Column\" of relation \"$Table\" violates not-null constraint", $SQL
            );
        }
    }
    for my $Key ( @{ $UniqueKeys{$Table} || [] } ) {
        my ( $Column, $Constraint ) = @{$Key};
        if ( grep { defined $_->{$Column} && $_->{$Column} eq $Row->{$Column} } @{ $Self->{Tables}->{$Table} } ) {
            return $Self->_DBError(
                "duplicate key value violates unique constraint \"$Constraint\"", $SQL
            );
        }
    }
    my $Rows = $Self->{Tables}->{$Table};
    $Self->_Journal( $Rows, undef );    # undo: pop
    push @{$Rows}, {%$Row};
    $Self->_CountWrite($Table);
    return 1;
}

sub StandInUpdate {
    my ( $Self, %Param ) = @_;

    my $Table = $Param{Table};
    my $Where = $Param{Where};
    my $Set   = $Param{Set};
    my $SQL   = "UPDATE $Table SET " . join( ', ', map {"$_ = ?"} sort keys %{$Set} ) . ' WHERE ...';
    return if $Self->_Aborted($SQL);

    my @Targets = grep { $Where->($_) } @{ $Self->{Tables}->{$Table} };
    for my $Column ( sort keys %{ $Self->_NotNull($Table) } ) {
        if ( exists $Set->{$Column} && !defined $Set->{$Column} ) {
            return $Self->_DBError(
                "null value in column \"$Column\" of relation \"$Table\" violates not-null constraint", $SQL
            );
        }
    }
    for my $Key ( @{ $UniqueKeys{$Table} || [] } ) {
        my ( $Column, $Constraint ) = @{$Key};
        next if !exists $Set->{$Column};
        my %Target = map { ( "$_" => 1 ) } @Targets;
        if (
            grep { !$Target{"$_"} && defined $_->{$Column} && $_->{$Column} eq $Set->{$Column} }
            @{ $Self->{Tables}->{$Table} }
            )
        {
            return $Self->_DBError( "duplicate key value violates unique constraint \"$Constraint\"", $SQL );
        }
    }
    for my $Row (@Targets) {
        $Self->_Journal( $Row, {%$Row} );
        %{$Row} = ( %{$Row}, %{$Set} );
    }
    $Self->_CountWrite($Table);
    return 1;
}

sub StandInDelete {
    my ( $Self, %Param ) = @_;

    my $Rows = $Self->{Tables}->{ $Param{Table} };
    return if $Self->_Aborted("DELETE FROM $Param{Table} WHERE ...");
    $Self->_Journal( $Rows, [ @{$Rows} ] );
    @{$Rows} = grep { !$Param{Where}->($_) } @{$Rows};
    $Self->_CountWrite( $Param{Table} );
    return 1;
}

# StandInWrites counts the writes to OTRS's own tables (what tests mean by "nothing reached
# OTRS"); writes to the package's run history are counted apart, in StandInRunHistoryWrites.
sub _CountWrite {
    my ( $Self, $Table ) = @_;

    $Self->{ $Table eq 'salesforce_sync_run' ? 'StandInRunHistoryWrites' : 'StandInWrites' }++;
    return;
}

# INSERT of one bound row: columns and types here, NOT NULL, unique keys and an
# AutoIncrement id in StandInInsert.
sub _InsertRow {
    my ( $Self, $Table, $Row, $SQL ) = @_;

    return if $Self->_Aborted($SQL);
    my $Columns = $Self->_ColumnsOf($Table);
    for my $Column ( sort keys %{$Row} ) {
        if ( !$Columns->{$Column} ) {
            return $Self->_DBError( "column \"$Column\" of relation \"$Table\" does not exist", $SQL );
        }
    }
    my $Types = $ColumnTypes{$Table} || {};
    for my $Column ( sort keys %{$Row} ) {
        my ( $Type, $Value ) = ( $Types->{$Column} // '', $Row->{$Column} );
        next if !defined $Value;
        if ( $Type =~ m{INT\z}smx && $Value !~ m{\A -? [0-9]+ \z}smx ) {
            return $Self->_DBError( "invalid input syntax for type integer: \"$Value\" (column $Column)", $SQL );
        }
        if ( $Type eq 'DATE' && $Value !~ m{\A [0-9]{4}-[0-9]{2}-[0-9]{2} \s [0-9]{2}:[0-9]{2}:[0-9]{2} \z}smx ) {
            return $Self->_DBError( "invalid input syntax for type timestamp: \"$Value\" (column $Column)", $SQL );
        }
        if ( $Type =~ m{\A VARCHAR \( ([0-9]+) \) \z}smx && length $Value > $1 ) {
            return $Self->_DBError( "value too long for type character varying($1) (column $Column)", $SQL );
        }
    }
    return $Self->StandInInsert(
        Table => $Table,
        Row   => $Row,
    );
}

sub _CompareRows {
    my ( $RowA, $RowB, $Order ) = @_;

    for my $Item ( @{$Order} ) {
        my ( $Column, $Direction ) = @{$Item};
        my $Cmp = _Compare( $RowA->{$Column}, $RowB->{$Column} );
        return $Direction * $Cmp if $Cmp;
    }
    return 0;
}

# Numbers as numbers, everything else as text (timestamps compare as their strings); NULL first.
sub _Compare {
    my ( $ValueA, $ValueB ) = @_;

    return ( defined $ValueA ? 1 : 0 ) <=> ( defined $ValueB ? 1 : 0 ) if !defined $ValueA || !defined $ValueB;
    my $Number = qr{\A -? [0-9]+ (?: \.[0-9]+ )? \z}smx;
    return $ValueA <=> $ValueB if $ValueA =~ $Number && $ValueB =~ $Number;
    return $ValueA cmp $ValueB;
}

sub _NotNull {
    my ( $Self, $Table ) = @_;

    my %NotNull = (
        customer_company => [qw(customer_id name valid_id create_time change_time create_by change_by)],
        customer_user    => [
            qw(login email customer_id first_name last_name valid_id create_time change_time create_by change_by)
        ],
        customer_user_customer => [qw(user_id customer_id)],
        salesforce_sync_run    => [
            qw(id run_key kind run_trigger dry_run status exit_code started duration_ms created updated unchanged
                invalidated deleted skipped failed members_added members_removed create_by)
        ],
    );
    return { map { $_ => 1 } @{ $NotNull{$Table} || [] } };
}

sub _ColumnsOf {
    my ( $Self, $Table ) = @_;

    my %Columns = (
        customer_company => [
            qw(customer_id name street zip city country url comments valid_id create_time change_time create_by change_by)
        ],
        customer_user => [
            qw(id login email customer_id pw title first_name last_name phone fax mobile street zip city country
                comments valid_id create_time change_time create_by change_by)
        ],
        customer_user_customer => [qw(user_id customer_id create_time create_by change_time change_by)],
        customer_preferences   => [qw(user_id preferences_key preferences_value)],
        ticket                 => [qw(id tn customer_id customer_user_id archive_flag)],
        salesforce_sync_run    => [ sort keys %{ $ColumnTypes{salesforce_sync_run} } ],
        pg_indexes             => [qw(indexname tablename indexdef)],
    );
    return { map { $_ => 1 } @{ $Columns{$Table} || [] } };
}

sub _DBError {
    my ( $Self, $Error, $SQL ) = @_;

    # PostgreSQL: the transaction is aborted until a rollback.
    $Self->{Aborted}   = 1 if $Self->{Journal};
    $Self->{LastError} = "ERROR:  $Error";

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Caller   => 1,
        Message  => "ERROR:  $Error, SQL: '$SQL'",
    );
    return;
}

# Undo information of a write inside a transaction: the row (hash) or table
# (array) and its content before the write; undef for a row pushed onto a table.
sub _Journal {
    my ( $Self, $Target, $Before ) = @_;

    push @{ $Self->{Journal} }, [ $Target, $Before ] if $Self->{Journal};
    return;
}

# Undoes the journal back to entry $To.
sub _Undo {
    my ( $Self, $To ) = @_;

    while ( @{ $Self->{Journal} } > $To ) {
        my ( $Target, $Before ) = @{ pop @{ $Self->{Journal} } };
        if ( ref $Target eq 'HASH' ) {
            %{$Target} = %{$Before};
        }
        elsif ( !defined $Before ) {
            pop @{$Target};
        }
        else {
            @{$Target} = @{$Before};
        }
    }
    return;
}

sub _Aborted {
    my ( $Self, $SQL ) = @_;

    return 0 if !$Self->{Aborted};
    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Caller   => 1,
        Message  =>
            "ERROR:  current transaction is aborted, commands ignored until end of transaction block, SQL: '$SQL'",
    );
    return 1;
}

sub _Savepoint {
    my ( $Self, $Statement, $Name, $SQL ) = @_;

    $Self->{StandInCalls}->{$Statement}++;
    if ( !$Self->{Journal} ) {
        return $Self->_DBError( "$Statement can only be used in transaction blocks", $SQL );
    }
    if ( $Statement eq 'SAVEPOINT' ) {
        return if $Self->_Aborted($SQL);
        $Self->{Savepoints}->{$Name} = scalar @{ $Self->{Journal} };
        return 1;
    }
    if ( !defined $Self->{Savepoints}->{$Name} ) {
        return $Self->_DBError( "savepoint \"$Name\" does not exist", $SQL );
    }
    if ( $Statement eq 'RELEASE SAVEPOINT' ) {
        return if $Self->_Aborted($SQL);
        delete $Self->{Savepoints}->{$Name};
        return 1;
    }
    $Self->_Undo( $Self->{Savepoints}->{$Name} );
    $Self->{Aborted} = 0;
    return 1;
}

sub _Bind {
    my ( $Self, $Bind ) = @_;

    $Self->{BindOk} = 1;
    my @Values;
    for my $Item ( @{$Bind} ) {
        if ( ref $Item ne 'SCALAR' ) {
            $Kernel::OM->Get('Kernel::System::Log')->Log(
                Priority => 'error',
                Caller   => 1,
                Message  => 'No SCALAR param in Bind!',
            );
            $Self->{BindOk} = 0;
            return;
        }
        push @Values, ${$Item};
    }
    return @Values;
}

package Kernel::System::DB::StandInHandle;    ## no critic (Modules::ProhibitMultiplePackages)

use strict;
use warnings;

use Scalar::Util qw(weaken);

sub new {
    my ( $Type, $DBObject ) = @_;

    my $Self = bless {
        AutoCommit => 1,
        DB         => $DBObject,
    }, $Type;
    weaken( $Self->{DB} );
    return $Self;
}

# DBI's column_info as far as the sync asks it: the sizes the test put in
# %Kernel::System::DB::ColumnSizes ({ table => { column => size } }, e.g. OTOBO's 191),
# nothing else (then the sync keeps the OTRS 6 lengths).
sub column_info {    ## no critic (NamingConventions::Capitalization)
    my ( $Self, $Catalog, $Schema, $Table, $Column ) = @_;

    my $Sizes = $Kernel::System::DB::ColumnSizes{ $Table // '' } || {};
    my @Rows  = map { { COLUMN_NAME => $_, COLUMN_SIZE => $Sizes->{$_}, TYPE_NAME => 'VARCHAR' } } sort keys %{$Sizes};
    return Kernel::System::DB::StandInResult->new( \@Rows );
}

sub begin_work {    ## no critic (NamingConventions::Capitalization)
    my ($Self) = @_;

    die "Already in a transaction\n" if !$Self->{AutoCommit};
    $Self->{AutoCommit}       = 0;
    $Self->{DB}->{Journal}    = [];
    $Self->{DB}->{Savepoints} = {};
    $Self->{DB}->{StandInCalls}->{begin_work}++;
    return 1;
}

# A commit fails when the test asks for it (FailCommit: the number of the commit
# that fails), or, as in PostgreSQL, rolls back when the transaction is aborted.
sub commit {    ## no critic (NamingConventions::Capitalization)
    my ($Self) = @_;

    my $DB = $Self->{DB};
    $DB->{StandInCalls}->{commit}++;
    my $Number = ++$DB->{StandInCommitsTried};
    if ( ( $DB->{FailCommit} && $DB->{FailCommit} == $Number ) || $DB->{Aborted} ) {
        $Self->rollback();
        $Self->{errstr} = 'the stand-in refused the commit';
        return;
    }
    $Self->_End();
    return 1;
}

sub rollback {    ## no critic (NamingConventions::Capitalization)
    my ($Self) = @_;

    my $DB = $Self->{DB};
    $DB->{StandInCalls}->{rollback}++;
    $DB->_Undo(0) if $DB->{Journal};
    $Self->_End();
    return 1;
}

sub errstr {    ## no critic (NamingConventions::Capitalization)
    my ($Self) = @_;

    return $Self->{errstr};
}

sub _End {
    my ($Self) = @_;

    $Self->{AutoCommit}    = 1;
    $Self->{DB}->{Journal} = undef;
    $Self->{DB}->{Aborted} = 0;
    return;
}

package Kernel::System::DB::StandInResult;    ## no critic (Modules::ProhibitMultiplePackages)

# A statement handle with its rows already fetched (column_info).

use strict;
use warnings;

sub new {
    my ( $Type, $Rows ) = @_;
    return bless { Rows => $Rows }, $Type;
}

sub fetchall_arrayref {    ## no critic (NamingConventions::Capitalization)
    my ($Self) = @_;
    return [ @{ $Self->{Rows} } ];
}

1;
