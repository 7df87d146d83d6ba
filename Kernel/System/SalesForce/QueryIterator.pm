# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::QueryIterator;

use strict;
use warnings;

# Made by Kernel::System::SalesForce->QueryIterator(), never by the object manager.
our $ObjectManagerDisabled = 1;

=head1 NAME

Kernel::System::SalesForce::QueryIterator - one record at a time over a SOQL query

=head1 DESCRIPTION

Returned by C<< $SalesForceObject->QueryIterator() >>. Holds one page of records;
when it is used up, the next one comes from the Rust pager (which checks every
page and fetches the following one while this one is decoded).

=head1 PUBLIC INTERFACE

=head2 new()

Do not create it yourself; use:

    my $Iterator = $SalesForceObject->QueryIterator(
        Query => 'SELECT Id, Name FROM Account',
    );

C<NextPage> is a code reference that gives the next page (as C<Query()> gives
one), nothing after the last one, or C<(undef, $Error)> when a page could not
be fetched.

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {
        NextPage => $Param{NextPage},
        Records  => [],
        Done     => 0,
        Started  => 0,
        Count    => 0,
        Pages    => 0,
        Size     => undef,
        Error    => undef,
    };
    return bless $Self, $Type;
}

=head2 Start()

Fetches the first page (called by C<QueryIterator()>). Returns 1, or undef on error.

    my $Success = $Iterator->Start();

=cut

sub Start {
    my ( $Self, %Param ) = @_;

    return 1 if $Self->{Started};
    $Self->{Started} = 1;

    return $Self->_Fetch();
}

=head2 Next()

The next record, or undef when there are no more or a page could not be fetched
(see L</Error()>).

    while ( my $Record = $Iterator->Next() ) {
        print $Record->{Name}, "\n";
    }

=cut

sub Next {
    my ( $Self, %Param ) = @_;

    return if $Self->{Error};
    if ( !$Self->{Started} ) {
        return if !$Self->Start();
    }

    while ( !@{ $Self->{Records} } ) {
        return if $Self->{Done};
        return if !$Self->_Fetch();
    }

    $Self->{Count}++;
    return shift @{ $Self->{Records} };
}

=head2 Error()

The error that stopped the iteration (as C<GetErrorDetails()> gives it), or undef.

    my $Error = $Iterator->Error();

=cut

sub Error {
    my ( $Self, %Param ) = @_;

    return $Self->{Error};
}

=head2 Size()

The total number of records of the query, as Salesforce reported it.

    my $Size = $Iterator->Size();

=cut

sub Size {
    my ( $Self, %Param ) = @_;

    return $Self->{Size};
}

=head2 Count()

The number of records given out by L</Next()> so far.

    my $Count = $Iterator->Count();

=cut

sub Count {
    my ( $Self, %Param ) = @_;

    return $Self->{Count};
}

=head2 Pages()

The number of pages fetched so far.

    my $Pages = $Iterator->Pages();

=cut

sub Pages {
    my ( $Self, %Param ) = @_;

    return $Self->{Pages};
}

=begin Internal:

=cut

sub _Fetch {
    my ( $Self, %Param ) = @_;

    my ( $Page, $Error ) = $Self->{NextPage}->();
    if ($Error) {
        $Self->{Error} = $Error;
        return;
    }
    if ( !$Page ) {
        $Self->{Done} = 1;
        return 1;
    }

    $Self->{Pages}++;
    $Self->{Size} //= $Page->{size};
    $Self->{Records} = $Page->{records};
    return 1;
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software is part of SalesForce-Customer-Sync-CE. It comes with ABSOLUTELY NO
WARRANTY. For details, see the enclosed file COPYING for license information (GPL).
If you did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
