# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync::OTRSState;

use strict;
use warnings;

# A part of Kernel::System::SalesForce::Sync, never loaded through the object manager itself.
our $ObjectManagerDisabled = 1;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::DB',
    'Kernel::System::Log',
);

# The OTRS 6 default maps (Kernel/Config/Defaults.pm): param -> column. Used only
# when the backend configuration cannot be read.
my @DefaultCompanyMap = (
    [ 'CustomerID',             'customer_id' ],
    [ 'CustomerCompanyName',    'name' ],
    [ 'CustomerCompanyStreet',  'street' ],
    [ 'CustomerCompanyZIP',     'zip' ],
    [ 'CustomerCompanyCity',    'city' ],
    [ 'CustomerCompanyCountry', 'country' ],
    [ 'CustomerCompanyURL',     'url' ],
    [ 'CustomerCompanyComment', 'comments' ],
    [ 'ValidID',                'valid_id' ],
);
my @DefaultUserMap = (
    [ 'UserTitle',      'title' ],
    [ 'UserFirstname',  'first_name' ],
    [ 'UserLastname',   'last_name' ],
    [ 'UserLogin',      'login' ],
    [ 'UserPassword',   'pw' ],
    [ 'UserEmail',      'email' ],
    [ 'UserCustomerID', 'customer_id' ],
    [ 'UserPhone',      'phone' ],
    [ 'UserFax',        'fax' ],
    [ 'UserMobile',     'mobile' ],
    [ 'UserStreet',     'street' ],
    [ 'UserZip',        'zip' ],
    [ 'UserCity',       'city' ],
    [ 'UserCountry',    'country' ],
    [ 'UserComment',    'comments' ],
    [ 'ValidID',        'valid_id' ],
);

=head1 NAME

Kernel::System::SalesForce::Sync::OTRSState - part of Kernel::System::SalesForce::Sync: read the OTRS customer data

=head1 DESCRIPTION

Reads the OTRS side of the planner input (ARCHITECTURE.md, "Planner input",
C<otrs>) with SQL from the OTRS database: one query per table, never one per
record, with the columns of the default backend's map.

=head1 PUBLIC INTERFACE

=head2 OTRSState()

Reads what the planner needs to know about OTRS: all companies, or all customer
users with their company memberships, the IDs still referenced elsewhere, and the
IDs this sync invalidated earlier. One query per table, never one per record.

    my $State = $SyncObject->OTRSState(
        Kind     => 'companies',
        Settings => $Settings,     # optional, from Settings()
    );

Returns the C<otrs> part of the planner input, or undef (logged) on a DB error.

=cut

sub OTRSState {
    my ( $Self, %Param ) = @_;

    my $Kind     = $Param{Kind};
    my $Settings = $Param{Settings} || {};
    my %State    = (
        companies        => [],
        users            => [],
        referenced       => [],
        sync_invalidated => $Self->_StateLoad( Kind => $Kind )->{sync_invalidated} || [],
    );

    my $WantTickets = ( $Settings->{cleanup_action} // '' ) eq 'delete' && length( $Settings->{delete_old} // '' );

    if ( $Kind eq 'companies' ) {
        return if !$Self->_BackendSupported('CustomerCompany');
        my ( $Table, $Map ) = $Self->_BackendMap('CustomerCompany');
        my $Rows = $Self->_Select(
            Table => $Table,
            Map   => $Map,
        );
        return if !$Rows;
        $State{companies} = $Rows;

        my %Referenced;
        for my $Query (
            'SELECT DISTINCT customer_id FROM customer_user',
            'SELECT DISTINCT customer_id FROM customer_user_customer',
            ( $WantTickets ? 'SELECT DISTINCT customer_id FROM ticket' : () ),
            )
        {
            my $IDs = $Self->_Column( SQL => $Query );
            return if !$IDs;
            $Referenced{$_} = 1 for grep { defined && length } @{$IDs};
        }
        $State{referenced} = [ sort keys %Referenced ];
        return \%State;
    }

    return if !$Self->_BackendSupported('CustomerUser');
    my ( $Table, $Map ) = $Self->_BackendMap('CustomerUser');
    my $Rows = $Self->_Select(
        Table => $Table,
        Map   => [ grep { $_->[0] ne 'UserPassword' } @{$Map} ],
    );
    return if !$Rows;

    my $Relations = $Self->_Rows( SQL => 'SELECT user_id, customer_id FROM customer_user_customer' );
    return if !$Relations;
    my %Memberships;
    for my $Relation ( @{$Relations} ) {
        push @{ $Memberships{ lc( $Relation->[0] // '' ) } }, $Relation->[1];
    }
    for my $User ( @{$Rows} ) {
        $User->{CustomerIDs} = [ sort @{ $Memberships{ lc( $User->{UserLogin} // '' ) } || [] } ];
    }
    $State{users} = $Rows;

    if ($WantTickets) {
        my $Logins = $Self->_Column( SQL => 'SELECT DISTINCT customer_user_id FROM ticket' );
        return if !$Logins;
        $State{referenced} = [ sort grep { defined && length } @{$Logins} ];
    }
    return \%State;
}

=head2 ColumnLengths()

The lengths of the text columns behind the mapped params, as the database of this
OTRS says (OTOBO's company names and logins hold 191 characters where OTRS 6 has
200), for the planner's C<column_lengths>. Empty when the database driver cannot
tell; the planner then keeps the lengths of the OTRS 6 schema.

    my $Lengths = $SyncObject->ColumnLengths( Kind => 'companies' );
    # { CustomerCompanyName => 191, CustomerID => 150, ... }

=cut

sub ColumnLengths {
    my ( $Self, %Param ) = @_;

    my ( $Table, $Map ) = $Self->_BackendMap( $Param{Kind} eq 'companies' ? 'CustomerCompany' : 'CustomerUser' );
    my $Handle = $Kernel::OM->Get('Kernel::System::DB')->{dbh};
    return {} if !$Handle || !$Handle->can('column_info');

    # Oracle keeps table names in capitals.
    my %Size;
    NAME:
    for my $Name ( $Table, uc $Table ) {
        my $Rows = eval { $Handle->column_info( undef, undef, $Name, undef )->fetchall_arrayref( {} ) } || [];
        for my $Row ( @{$Rows} ) {
            next if ( $Row->{TYPE_NAME}   // '' ) !~ m{char}xmsi;
            next if ( $Row->{COLUMN_SIZE} // '' ) !~ m{\A [1-9][0-9]* \z}xms;
            $Size{ lc( $Row->{COLUMN_NAME} // '' ) } = $Row->{COLUMN_SIZE} + 0;
        }
        last NAME if %Size;
    }

    my %Lengths;
    for my $Entry ( @{$Map} ) {
        my $Size = $Size{ lc( $Entry->[1] // '' ) } or next;
        $Lengths{ $Entry->[0] } = $Size;
    }
    return \%Lengths;
}

=begin Internal:

=cut

# ( table, [ [ param, column ], ... ] ) of the default backend, from its map.
sub _BackendMap {
    my ( $Self, $Backend ) = @_;

    my $Config  = $Kernel::OM->Get('Kernel::Config')->Get($Backend);
    my $Default = $Backend eq 'CustomerCompany' ? \@DefaultCompanyMap : \@DefaultUserMap;
    my $Table   = $Backend eq 'CustomerCompany' ? 'customer_company'  : 'customer_user';
    if ( ref $Config eq 'HASH' && ref $Config->{Map} eq 'ARRAY' ) {
        my @Map = map { [ $_->[0], $_->[2] ] }
            grep { ref $_ eq 'ARRAY' && ( $_->[5] // '' ) ne 'dynamic_field' && $_->[2] } @{ $Config->{Map} };
        $Table = $Config->{Params}->{Table} if ref $Config->{Params} eq 'HASH' && $Config->{Params}->{Table};
        return ( $Table, \@Map )            if @Map;
    }
    return ( $Table, $Default );
}

# The state is read with SQL from the OTRS database, so the default backend must
# be the DB module on that database (not LDAP, not a foreign DSN).
sub _BackendSupported {
    my ( $Self, $Backend ) = @_;

    my $Config = $Kernel::OM->Get('Kernel::Config')->Get($Backend);
    return 1 if ref $Config ne 'HASH';
    my $Module = $Config->{Module} // "Kernel::System::${Backend}::DB";
    my $Params = ref $Config->{Params} eq 'HASH' ? $Config->{Params} : {};
    my $Problem;
    if ( $Module ne "Kernel::System::${Backend}::DB" ) {
        $Problem = "its module is $Module";
    }
    elsif ( $Params->{DSN} ) {
        $Problem = 'it uses a separate database (Params DSN)';
    }
    return 1 if !$Problem;

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Message  => "SalesForce sync: the $Backend backend is not supported because $Problem; the sync needs the "
            . "default $Backend backend to be Kernel::System::${Backend}::DB on the OTRS database.",
    );
    return;
}

sub _Select {
    my ( $Self, %Param ) = @_;

    my @Map  = grep { $_->[1] =~ m{\A \w+ \z}smx } @{ $Param{Map} };
    my $Rows = $Self->_Rows( SQL => 'SELECT ' . join( ', ', map { $_->[1] } @Map ) . " FROM $Param{Table}" );
    return if !$Rows;

    my @Records;
    for my $Row ( @{$Rows} ) {
        my %Record;
        for my $Index ( 0 .. $#Map ) {
            $Record{ $Map[$Index]->[0] } = $Row->[$Index];
        }
        $Record{ValidID} += 0 if defined $Record{ValidID};
        push @Records, \%Record;
    }
    return \@Records;
}

sub _Rows {
    my ( $Self, %Param ) = @_;

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Prepare( SQL => $Param{SQL} );

    # Fetch everything first: any API call would replace the open cursor.
    my @Rows;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        push @Rows, [@Row];
    }
    return \@Rows;
}

sub _Column {
    my ( $Self, %Param ) = @_;

    my $Rows = $Self->_Rows(%Param);
    return if !$Rows;
    return [ map { $_->[0] } @{$Rows} ];
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
