# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::DateTime;

# CI stand-in for OTRS 6's Kernel::System::DateTime, as far as the package uses
# it: created (never a singleton) from nothing (now), Epoch or String
# ('YYYY-MM-DD hh:mm:ss' or 'YYYY-MM-DD'); ToString, ToEpoch, Add, Subtract,
# Compare. Every time is UTC (OTRSTimeZone's default). An input it cannot read
# makes the constructor return undef with an error logged, as OTRS does.
#
# Tests freeze "now" like the unit-test Helper's FixedTimeSet():
#   local $Kernel::System::DateTime::FixedTime = 1700000000;

use strict;
use warnings;

use Time::Local qw(timegm);

our @ObjectDependencies = (
    'Kernel::System::Log',
);

# Not a singleton: $Kernel::OM->Create() only, as in OTRS.
our %ObjectManagerFlags = (
    NonSingleton => 1,
);

our $FixedTime;

sub new {
    my ( $Type, %Param ) = @_;

    my $Epoch;
    if ( defined $Param{Epoch} ) {
        $Epoch = $Param{Epoch} =~ m{\A -? [0-9]+ \z}xms ? $Param{Epoch} + 0 : undef;
    }
    elsif ( defined $Param{String} ) {
        if ( $Param{String} =~ m{\A ([0-9]{4})-([0-9]{2})-([0-9]{2}) (?: \s ([0-9]{2}):([0-9]{2}):([0-9]{2}) )? \z}xms )
        {
            $Epoch = eval { timegm( $6 // 0, $5 // 0, $4 // 0, $3, $2 - 1, $1 ) };
        }
    }
    else {
        $Epoch = defined $FixedTime ? $FixedTime : time();
    }
    if ( !defined $Epoch ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Invalid date/time parameters.',
        );
        return;
    }

    return bless { Epoch => $Epoch }, $Type;
}

sub ToEpoch {
    my ($Self) = @_;

    return $Self->{Epoch};
}

sub ToString {
    my ($Self) = @_;

    my @Time = gmtime $Self->{Epoch};
    return sprintf '%04d-%02d-%02d %02d:%02d:%02d', $Time[5] + 1900, $Time[4] + 1, $Time[3], $Time[2],
        $Time[1], $Time[0];
}

my %Seconds = (
    Weeks   => 7 * 86400,
    Days    => 86400,
    Hours   => 3600,
    Minutes => 60,
    Seconds => 1,
);

sub Add {
    my ( $Self, %Param ) = @_;

    return $Self->_Move( 1, %Param );
}

sub Subtract {
    my ( $Self, %Param ) = @_;

    return $Self->_Move( -1, %Param );
}

sub Compare {
    my ( $Self, %Param ) = @_;

    return if !$Param{DateTimeObject};
    return $Self->{Epoch} <=> $Param{DateTimeObject}->ToEpoch();
}

sub Clone {
    my ($Self) = @_;

    return bless { %{$Self} }, ref $Self;
}

sub _Move {
    my ( $Self, $Sign, %Param ) = @_;

    my $Moved = 0;
    for my $Unit ( sort keys %Param ) {
        if ( !$Seconds{$Unit} || $Param{$Unit} !~ m{\A [0-9]+ \z}xms ) {
            $Kernel::OM->Get('Kernel::System::Log')->Log(
                Priority => 'error',
                Message  => "Stand-in DateTime: cannot move by $Unit => '$Param{$Unit}'.",
            );
            return;
        }
        $Moved += $Param{$Unit} * $Seconds{$Unit};
    }
    $Self->{Epoch} += $Sign * $Moved;
    return 1;
}

1;
