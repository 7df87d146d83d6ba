# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::ObjectManager;

use strict;
use warnings;

use Carp qw(croak);

=head1 NAME

Kernel::System::ObjectManager - test stand-in of the OTRS 6 object manager

=head1 DESCRIPTION

A small re-implementation of the behaviour the package relies on (see
doc/dev/DESIGN.md, "Object manager"), for CI without OTRS:

=over 4

=item * C<Get()> returns a singleton per package, created on first use with the
parameters given to C<new()> or C<ObjectParamAdd()>. A package that does not
declare C<@ObjectDependencies> dies, as in OTRS; so does a constructor returning
undef and a package flagged C<NonSingleton>.

=item * C<Create()> returns an unmanaged instance (C<Silent =E<gt> 1>: undef instead of a die).

=item * C<ObjectParamAdd()> changes constructor parameters for objects not yet created;
a parameter given as undef is removed.

=item * C<ObjectsDiscard()> drops the named objects and (loosely) every object whose
C<@ObjectDependencies> names one of them; without C<Objects> it drops all.

=item * C<ObjectInstanceRegister()> injects an instance (e.g. a test double).

=item * The OTRS pattern C<local $Kernel::OM = Kernel::System::ObjectManager-E<gt>new( Package =E<gt> {...} )>
works because every module reads the global C<$Kernel::OM>.

=back

=head1 PUBLIC INTERFACE

=head2 new()

    local $Kernel::OM = Kernel::System::ObjectManager->new(
        'Kernel::System::Log' => { LogPrefix => 'Test' },
    );

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = bless {
        Objects      => {},
        Param        => {},
        Dependencies => {},
    }, $Type;

    for my $Package ( sort keys %Param ) {
        if ( ref $Param{$Package} ne 'HASH' ) {
            croak "ObjectManager->new(): parameters for $Package must be a hash reference";
        }
        $Self->{Param}->{$Package} = { %{ $Param{$Package} } };
    }

    return $Self;
}

=head2 Get()

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');

Returns the singleton, creating it on first use. Dies when the package cannot be
loaded, does not declare its object dependencies, or its constructor returns undef.

=cut

sub Get {
    my ( $Self, $Package ) = @_;

    if ( !$Package ) {
        croak 'Error: Missing parameter (object name)';
    }

    return $Self->{Objects}->{$Package} if exists $Self->{Objects}->{$Package};

    $Self->_LoadPackage($Package);

    my $Flags = do {
        no strict 'refs';    ## no critic
        \%{ $Package . '::ObjectManagerFlags' };
    };
    if ( $Flags->{NonSingleton} ) {
        croak "$Package cannot be retrieved with Get(), it is not a singleton! Use Create() instead.";
    }

    my $Object = $Self->_Construct( $Package, %{ $Self->{Param}->{$Package} || {} } );
    if ( !$Object ) {
        croak "The constructor of $Package returned undef.";
    }

    $Self->{Objects}->{$Package} = $Object;
    return $Object;
}

=head2 Create()

    my $Object = $Kernel::OM->Create(
        'Kernel::System::Something',
        ObjectParams => { Key => 'Value' },
        Silent       => 1,                    # optional, undef instead of a die
    );

=cut

sub Create {
    my ( $Self, $Package, %Param ) = @_;

    my $Object = eval {
        $Self->_LoadPackage($Package);
        $Self->_Construct( $Package, %{ $Param{ObjectParams} || {} } );
    };
    if ( !$Object ) {
        return if $Param{Silent};
        my $Error = $@ || "The constructor of $Package returned undef.";
        croak $Error;
    }
    return $Object;
}

=head2 ObjectParamAdd()

    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::SalesForce' => { SF_APIVERSION => '64.0' },
    );

Sets constructor parameters. No effect on an object already created.

=cut

sub ObjectParamAdd {
    my ( $Self, %Param ) = @_;

    for my $Package ( sort keys %Param ) {
        if ( ref $Param{$Package} ne 'HASH' ) {
            croak "ObjectParamAdd(): parameters for $Package must be a hash reference";
        }
        my $Target = $Self->{Param}->{$Package} ||= {};
        for my $Key ( sort keys %{ $Param{$Package} } ) {
            if ( defined $Param{$Package}->{$Key} ) {
                $Target->{$Key} = $Param{$Package}->{$Key};
            }
            else {
                delete $Target->{$Key};
            }
        }
    }
    return 1;
}

=head2 ObjectInstanceRegister()

    $Kernel::OM->ObjectInstanceRegister(
        Package      => 'Kernel::System::Foo',
        Object       => $FooDouble,
        Dependencies => [],
    );

=cut

sub ObjectInstanceRegister {
    my ( $Self, %Param ) = @_;

    if ( !$Param{Package} || !$Param{Object} ) {
        croak 'Need Package and Object!';
    }
    return if $Self->{Objects}->{ $Param{Package} };

    $Self->{Objects}->{ $Param{Package} }      = $Param{Object};
    $Self->{Dependencies}->{ $Param{Package} } = $Param{Dependencies} || [];
    return 1;
}

=head2 ObjectsDiscard()

    $Kernel::OM->ObjectsDiscard(
        Objects => [ 'Kernel::System::SalesForce' ],    # optional, all when omitted
    );

=cut

sub ObjectsDiscard {
    my ( $Self, %Param ) = @_;

    if ( !$Param{Objects} ) {
        $Self->{Objects}      = {};
        $Self->{Dependencies} = {};
        return 1;
    }

    my %Discard = map { $_ => 1 } @{ $Param{Objects} };

    # Loosely follow the dependency graph: whatever depends on a discarded object goes too.
    my $Changed = 1;
    while ($Changed) {
        $Changed = 0;
        PACKAGE:
        for my $Package ( sort keys %{ $Self->{Objects} } ) {
            next PACKAGE if $Discard{$Package};
            for my $Dependency ( @{ $Self->{Dependencies}->{$Package} || [] } ) {
                if ( $Discard{$Dependency} ) {
                    $Discard{$Package} = 1;
                    $Changed = 1;
                    next PACKAGE;
                }
            }
        }
    }

    for my $Package ( sort keys %Discard ) {
        delete $Self->{Objects}->{$Package};
        delete $Self->{Dependencies}->{$Package};
    }
    return 1;
}

=head2 ObjectEventsHandle()

Nothing is queued in the stand-in; returns 1.

=cut

sub ObjectEventsHandle {
    return 1;
}

=begin Internal:

=cut

sub _LoadPackage {
    my ( $Self, $Package ) = @_;

    if ( $Package !~ m{\A[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z0-9_]+)*\z} ) {
        croak "Invalid package name '$Package'";
    }

    my $File = $Package . '.pm';
    $File =~ s{::}{/}g;
    if ( !$INC{$File} ) {
        my $Loaded = eval {
            require $File;    ## no critic
            1;
        };
        if ( !$Loaded ) {
            croak "$Package could not be loaded: $@";
        }
    }

    my $Declared = do {
        no strict 'refs';    ## no critic
        defined *{ $Package . '::ObjectDependencies' }{ARRAY};
    };
    my $Disabled = do {
        no strict 'refs';    ## no critic
        ${ $Package . '::ObjectManagerDisabled' };
    };
    if ($Disabled) {
        croak "$Package cannot be loaded via ObjectManager!";
    }
    if ( !$Declared && $Package ne 'Kernel::Config' ) {
        croak "$Package does not declare its object dependencies!";
    }

    return 1;
}

sub _Construct {
    my ( $Self, $Package, %Param ) = @_;

    my $Object = $Package->new(%Param);
    return if !$Object;

    my @Dependencies = do {
        no strict 'refs';    ## no critic
        @{ $Package . '::ObjectDependencies' };
    };
    $Self->{Dependencies}->{$Package} = \@Dependencies;

    return $Object;
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This is a test stand-in; it contains no OTRS code. This software comes with
ABSOLUTELY NO WARRANTY.

=cut
