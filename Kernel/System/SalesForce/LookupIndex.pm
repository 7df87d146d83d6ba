# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::LookupIndex;

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::DB',
    'Kernel::System::Log',
);

=head1 NAME

Kernel::System::SalesForce::LookupIndex - indexes for the case-insensitive customer user lookups

=head1 DESCRIPTION

Before it adds a customer user, OTRS looks the login and the e-mail address up
with C<LOWER(column) = LOWER(?)>. No index of the stock schema serves such a
lookup, so each one reads the whole C<customer_user> table, and a first import
of N people costs N table reads: 300,000 Contacts took hours instead of
minutes. On PostgreSQL this module adds one expression index per looked-up
column (C<salesforce_cu_E<lt>columnE<gt>_lower>), created on install and
upgrade, dropped on uninstall. On MySQL/MariaDB and Oracle it creates nothing
and says why (MariaDB has no expression indexes).

Only the default C<CustomerUser> backend is covered, the one the sync writes:
the DB module on the OTRS database, case-insensitive (its C<CaseSensitive>
param off, as by default).

=head1 PUBLIC INTERFACE

=head2 new()

Don't use the constructor directly, use the ObjectManager instead:

    my $LookupIndexObject = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex');

=cut

# Every index of the package has a name of this shape.
my $NameRegex = qr{\A salesforce_cu_ \w+ _lower \z}xms;

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {};
    bless( $Self, $Type );

    return $Self;
}

=head2 Wanted()

The indexes the customer user lookups of this OTRS need, or why there are none.

    my %Wanted = $LookupIndexObject->Wanted();
    # ( Indexes => [ { Name => 'salesforce_cu_login_lower', Table => 'customer_user', Column => 'login' }, ... ] )
    # or ( Indexes => [], Reason => 'the database is mysql: ...' )

=cut

sub Wanted {
    my ( $Self, %Param ) = @_;

    my $DBType = $Kernel::OM->Get('Kernel::System::DB')->{'DB::Type'} // '';
    if ( $DBType ne 'postgresql' ) {
        return (
            Indexes => [],
            Reason  =>
                "the database is $DBType; indexes for the LOWER() lookups of customer users are created on PostgreSQL only",
        );
    }

    my $Config = $Kernel::OM->Get('Kernel::Config')->Get('CustomerUser');
    $Config = {} if ref $Config ne 'HASH';
    my $Params = ref $Config->{Params} eq 'HASH' ? $Config->{Params} : {};
    my $Reason;
    if ( ( $Config->{Module} // 'Kernel::System::CustomerUser::DB' ) ne 'Kernel::System::CustomerUser::DB' ) {
        $Reason = "the CustomerUser backend's module is $Config->{Module}";
    }
    elsif ( $Params->{DSN} ) {
        $Reason = 'the CustomerUser backend uses a separate database (Params DSN)';
    }
    elsif ( $Params->{SearchCaseSensitive} // $Params->{CaseSensitive} ) {
        $Reason = 'the CustomerUser backend is case-sensitive, so OTRS does not look up with LOWER()';
    }
    my $Table = $Self->_Table();
    if ( !$Reason && $Table !~ m{\A \w+ \z}xms ) {
        $Reason = "the CustomerUser backend's table name '$Table' is not a plain name";
    }
    return (
        Indexes => [],
        Reason  => $Reason
    ) if $Reason;

    my @Columns
        = ( $Config->{CustomerKey} || 'login', @{ $Config->{CustomerUserPostMasterSearchFields} || ['email'] } );

    my ( @Indexes, %Seen );
    COLUMN:
    for my $Column ( map {lc} @Columns ) {

        # Only plain column names: anything else is not a column of the table (a dynamic field, a typo).
        next COLUMN if $Column !~ m{\A [a-z_][a-z0-9_]* \z}xms || $Seen{$Column}++;
        push @Indexes, {
            Name   => substr( "salesforce_cu_$Column", 0, 57 ) . '_lower',
            Table  => $Table,
            Column => $Column,
        };
    }
    return ( Indexes => \@Indexes );
}

=head2 Create()

Creates the wanted indexes that do not exist yet (on a large table this takes a
few seconds and holds off writes to it meanwhile). Returns the names of the
indexes now in place, the ones that failed with the database's message, and
why there are none, if so.

    my %Result = $LookupIndexObject->Create();
    # ( Created => [ 'salesforce_cu_login_lower', ... ], Failed => [ [ $Name, $Error ], ... ], Reason => ... )

=cut

sub Create {
    my ( $Self, %Param ) = @_;

    my %Wanted   = $Self->Wanted();
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');

    my %Result = (
        Created => [],
        Failed  => [],
        Reason  => $Wanted{Reason}
    );
    return %Result if !@{ $Wanted{Indexes} };

    # Existing ones are skipped here rather than by IF NOT EXISTS, which makes PostgreSQL print a notice
    # on every reinstall; IF NOT EXISTS stays for a concurrent install.
    my %Existing = map { $_ => 1 } $Self->_Existing();
    INDEX:
    for my $Index ( @{ $Wanted{Indexes} } ) {
        if (
            $Existing{ $Index->{Name} }
            || $DBObject->Do(
                SQL => "CREATE INDEX IF NOT EXISTS $Index->{Name} ON $Index->{Table} (LOWER($Index->{Column}))",
            )
            )
        {
            push @{ $Result{Created} }, $Index->{Name};
            next INDEX;
        }
        push @{ $Result{Failed} }, [ $Index->{Name}, $DBObject->Error() // 'unknown database error' ];
    }

    return %Result;
}

=head2 Drop()

Drops every index of the package on the customer user table (found by name,
so that one made for an earlier configuration goes too). Returns their names.

    my @Dropped = $LookupIndexObject->Drop();

=cut

sub Drop {
    my ( $Self, %Param ) = @_;

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if ( $DBObject->{'DB::Type'} // '' ) ne 'postgresql';

    my @Dropped;
    for my $Name ( $Self->_Existing() ) {
        push @Dropped, $Name if $DBObject->Do( SQL => "DROP INDEX IF EXISTS $Name" );
    }

    return @Dropped;
}

# The table of the CustomerUser backend.
sub _Table {
    my ( $Self, %Param ) = @_;

    my $Config = $Kernel::OM->Get('Kernel::Config')->Get('CustomerUser');
    my $Params = ref $Config eq 'HASH' && ref $Config->{Params} eq 'HASH' ? $Config->{Params} : {};

    return $Params->{Table} || 'customer_user';
}

# The names of the package's indexes on the backend's table (PostgreSQL), sorted.
sub _Existing {
    my ( $Self, %Param ) = @_;

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Prepare(
        SQL  => 'SELECT indexname FROM pg_indexes WHERE tablename = ?',
        Bind => [ \$Self->_Table() ],
    );
    my @Names;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        push @Names, $Row[0] if ( $Row[0] // '' ) =~ $NameRegex;
    }

    return sort @Names;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
