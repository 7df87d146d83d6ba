# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Web::Request;

# Stand-in for the tests: the request's parameters come from the object manager
# (ObjectParamAdd( 'Kernel::System::Web::Request' => { Param => { Name => value } } )).
# With Method (GET, POST) it is OTOBO's request object, which has RequestMethod();
# without, OTRS 6's, which has not (the method is then in $ENV{REQUEST_METHOD}).

use strict;
use warnings;

our @ObjectDependencies = ();

sub new {
    my ( $Type, %Param ) = @_;
    return bless {
        Param => $Param{Param} || {},
        ( defined $Param{Method} ? ( Method => $Param{Method} ) : () ),
    }, $Type;
}

sub can {    ## no critic (Subroutines::ProhibitBuiltinHomonyms)
    my ( $Self, $Name ) = @_;

    return if $Name eq 'RequestMethod' && ref $Self && !exists $Self->{Method};
    return $Self->SUPER::can($Name);
}

sub RequestMethod {
    my ($Self) = @_;
    return $Self->{Method};
}

sub GetParam {
    my ( $Self, %Param ) = @_;
    return $Self->{Param}->{ $Param{Param} };
}

1;
