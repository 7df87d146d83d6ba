# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::AsynchronousExecutor;

# Stand-in for the tests: AsyncCall() queues the call in @Queue instead of the
# scheduler's task table; RunQueued() runs the queued calls as the daemon's task
# worker would (the object from the object manager, the function with its params).

use strict;
use warnings;

our @ObjectDependencies = ();

# Each queued call: { ObjectName, FunctionName, FunctionParams, MaximumParallelInstances }.
our @Queue;

# Set to make AsyncCall() fail, as when the task cannot be stored.
our $Fail = 0;

sub AsyncCall {
    my ( $Self, %Param ) = @_;

    return if $Fail;
    return if !$Param{FunctionName} || !$Self->can( $Param{FunctionName} );
    push @Queue, {
        ObjectName               => $Param{ObjectName} || ref $Self,
        FunctionName             => $Param{FunctionName},
        FunctionParams           => $Param{FunctionParams} // {},
        MaximumParallelInstances => $Param{MaximumParallelInstances} || 0,
    };
    return 1;
}

sub RunQueued {
    my ($Type) = @_;

    my $Ran = 0;
    while ( my $Call = shift @Queue ) {
        my $Object   = $Kernel::OM->Get( $Call->{ObjectName} );
        my $Function = $Call->{FunctionName};
        $Object->$Function( %{ $Call->{FunctionParams} } );
        $Ran++;
    }
    return $Ran;
}

1;
