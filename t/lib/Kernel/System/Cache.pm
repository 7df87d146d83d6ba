# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Cache;

# CI stand-in for Kernel::System::Cache (doc/dev/DESIGN.md,
# "Kernel::System::Cache"): an in-memory store with
# Set/Get/Delete/CleanUp/Configure. Type names are checked like the real one
# ([a-zA-Z0-9_]). Calls are counted so tests can see which cache types the
# sync cleared.

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::System::Log',
);

sub new {
    my ( $Type, %Param ) = @_;

    return bless {
        Data          => {},
        CleanUps      => [],
        CacheInMemory => 1
    }, $Type;
}

sub Configure {
    my ( $Self, %Param ) = @_;

    $Self->{CacheInMemory} = $Param{CacheInMemory} if exists $Param{CacheInMemory};
    return 1;
}

sub Set {
    my ( $Self, %Param ) = @_;

    return if !$Self->_CheckType( $Param{Type} );
    $Self->{Data}->{ $Param{Type} }->{ $Param{Key} } = $Param{Value};
    return 1;
}

sub Get {
    my ( $Self, %Param ) = @_;

    return if !$Self->_CheckType( $Param{Type} );
    return $Self->{Data}->{ $Param{Type} }->{ $Param{Key} };
}

sub Delete {
    my ( $Self, %Param ) = @_;

    return if !$Self->_CheckType( $Param{Type} );
    delete $Self->{Data}->{ $Param{Type} }->{ $Param{Key} };
    return 1;
}

sub CleanUp {
    my ( $Self, %Param ) = @_;

    push @{ $Self->{CleanUps} }, $Param{Type} // '*';
    if ( $Param{Type} ) {
        delete $Self->{Data}->{ $Param{Type} };
        return 1;
    }
    my %Keep = map { $_ => 1 } @{ $Param{KeepTypes} || [] };
    for my $Type ( sort keys %{ $Self->{Data} } ) {
        delete $Self->{Data}->{$Type} if !$Keep{$Type};
    }
    return 1;
}

sub _CheckType {
    my ( $Self, $Type ) = @_;

    if ( !$Type || $Type !~ m{\A [a-zA-Z0-9_]+ \z}smx ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Cache Type contains invalid characters or is missing!',
        );
        return;
    }
    return 1;
}

1;
