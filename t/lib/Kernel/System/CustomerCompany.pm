# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::CustomerCompany;

# CI stand-in for Kernel::System::CustomerCompany (OTRS 6, default DB
# backend). It keeps the behaviours the sync meets (doc/dev/DESIGN.md,
# "Customer company backends" to "Customer company events", and "Stand-in
# behaviour checklist"): Add checks only CustomerID/UserID and fails with a DB
# error on a duplicate id or name or a missing name/ValidID; Get is
# case-insensitive and returns an empty list when not found; Update is a full
# overwrite (omitted fields become NULL), needs the required fields and
# renames move primary customer ids of at most 250 users but no relation rows;
# List defaults to Valid => 1 and Limit => 250. Rows live in the DB stand-in.
# Every call of a writing method is counted in $Self->{StandInCalls}.

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::DB',
    'Kernel::System::Log',
);

my @DefaultMap = (
    [ 'CustomerID',             'CustomerID', 'customer_id', 0, 1, 'var', '', 0 ],
    [ 'CustomerCompanyName',    'Customer',   'name',        1, 1, 'var', '', 0 ],
    [ 'CustomerCompanyStreet',  'Street',     'street',      1, 0, 'var', '', 0 ],
    [ 'CustomerCompanyZIP',     'Zip',        'zip',         1, 0, 'var', '', 0 ],
    [ 'CustomerCompanyCity',    'City',       'city',        1, 0, 'var', '', 0 ],
    [ 'CustomerCompanyCountry', 'Country',    'country',     1, 0, 'var', '', 0 ],
    [ 'CustomerCompanyURL',     'URL',        'url',         1, 0, 'var', '', 0 ],
    [ 'CustomerCompanyComment', 'Comment',    'comments',    1, 0, 'var', '', 0 ],
    [ 'ValidID',                'Valid',      'valid_id',    0, 1, 'int', '', 0 ],
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = bless { StandInCalls => {} }, $Type;

    my $Config = $Kernel::OM->Get('Kernel::Config')->Get('CustomerCompany');
    $Self->{Map}    = ( ref $Config eq 'HASH' && ref $Config->{Map} eq 'ARRAY' ) ? $Config->{Map} : \@DefaultMap;
    $Self->{Config} = ref $Config eq 'HASH'                                      ? $Config : { Map => $Self->{Map} };
    return $Self;
}

sub CustomerCompanyAdd {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{CustomerCompanyAdd}++;
    for my $Needed (qw(CustomerID UserID)) {
        if ( !$Param{$Needed} ) {
            return $Self->_Error("Need $Needed!");
        }
    }

    my $Now = _Now();
    my %Row = (
        create_time => $Now,
        change_time => $Now,
        create_by   => $Param{UserID},
        change_by   => $Param{UserID},
    );
    for my $Entry ( $Self->_Columns() ) {
        $Row{ $Entry->[2] } = $Param{ $Entry->[0] };
    }
    return if !$Kernel::OM->Get('Kernel::System::DB')->StandInInsert(
        Table => 'customer_company',
        Row   => \%Row,
    );
    return $Param{CustomerID};
}

sub CustomerCompanyGet {
    my ( $Self, %Param ) = @_;

    if ( !$Param{CustomerID} ) {
        $Self->_Error('Need CustomerID!');
        return;
    }
    my $Row = $Self->_Find( $Param{CustomerID} );
    return if !$Row;

    my %Data;
    for my $Entry ( $Self->_Columns() ) {
        $Data{ $Entry->[0] } = $Row->{ $Entry->[2] };
    }
    $Data{CreateTime} = $Row->{create_time};
    $Data{ChangeTime} = $Row->{change_time};
    $Data{CreateBy}   = $Row->{create_by};
    $Data{ChangeBy}   = $Row->{change_by};
    $Data{Source}     = 'CustomerCompany';
    $Data{Config}     = $Self->{Config};
    return %Data;
}

sub CustomerCompanyUpdate {
    my ( $Self, %Param ) = @_;

    $Self->{StandInCalls}->{CustomerCompanyUpdate}++;
    $Param{CustomerCompanyID} ||= $Param{CustomerID};
    if ( !$Param{CustomerCompanyID} ) {
        return $Self->_Error('Need CustomerCompanyID or CustomerID!');
    }
    my $Row = $Self->_Find( $Param{CustomerCompanyID} );
    if ( !$Row ) {
        return $Self->_Error("No such company '$Param{CustomerCompanyID}'!");
    }
    for my $Entry ( @{ $Self->{Map} } ) {
        next if !$Entry->[4];
        next if ( $Entry->[5] // '' ) eq 'dynamic_field';
        if ( !$Param{ $Entry->[0] } ) {
            return $Self->_Error("Need $Entry->[0]!");
        }
    }
    if ( !$Param{UserID} ) {
        return $Self->_Error('Need UserID!');
    }

    my $OldID = $Row->{customer_id};
    my %Set   = (
        change_time => _Now(),
        change_by   => $Param{UserID},
    );
    for my $Entry ( $Self->_Columns() ) {
        $Set{ $Entry->[2] } = $Param{ $Entry->[0] };
    }
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->StandInUpdate(
        Table => 'customer_company',
        Where => sub { $_[0]->{customer_id} eq $OldID },
        Set   => \%Set,
    );

    # Rename side effects of the default event modules: at most 250 users
    # (CustomerSearch limit) and the tickets move; relation rows do not.
    if ( $Param{CustomerID} ne $OldID ) {
        my $Moved = 0;
        USER:
        for my $User ( @{ $DBObject->StandInRows('customer_user') } ) {
            next USER if lc $User->{customer_id} ne lc $OldID;
            last USER if $Moved >= 250;
            $User->{customer_id} = $Param{CustomerID};
            $Moved++;
        }
        for my $Ticket ( @{ $DBObject->StandInRows('ticket') } ) {
            if ( lc( $Ticket->{customer_id} // '' ) eq lc $OldID ) {
                $Ticket->{customer_id} = $Param{CustomerID};
            }
        }
    }
    return 1;
}

sub CustomerCompanyList {
    my ( $Self, %Param ) = @_;

    my $Valid = $Param{Valid} // 1;
    my $Limit = $Param{Limit} // 250;
    my $Search;
    if ( defined $Param{Search} ) {
        $Search = lc $Param{Search};
        $Search =~ s{\*}{}smxg;
    }

    my %List;
    my $Count = 0;
    ROW:
    for my $Row (
        sort { $a->{customer_id} cmp $b->{customer_id} }
        @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_company') }
        )
    {
        next ROW if $Valid && $Row->{valid_id} != 1;
        if ( defined $Search && length $Search ) {
            next ROW if index( lc $Row->{customer_id}, $Search ) < 0 && index( lc $Row->{name}, $Search ) < 0;
        }
        last ROW if $Limit && $Count >= $Limit;
        $List{ $Row->{customer_id} } = "$Row->{customer_id} $Row->{name}";
        $Count++;
    }
    return %List;
}

sub _Columns {
    my ($Self) = @_;

    return grep { ( $_->[5] // '' ) ne 'dynamic_field' } @{ $Self->{Map} };
}

sub _Find {
    my ( $Self, $CustomerID ) = @_;

    for my $Row ( @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('customer_company') } ) {
        return $Row if lc $Row->{customer_id} eq lc $CustomerID;
    }
    return;
}

sub _Error {
    my ( $Self, $Message ) = @_;

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Caller   => 1,
        Message  => $Message,
    );
    return;
}

sub _Now {
    my @T = gmtime();
    return sprintf '%04d-%02d-%02d %02d:%02d:%02d', $T[5] + 1900, $T[4] + 1, $T[3], $T[2], $T[1], $T[0];
}

1;
