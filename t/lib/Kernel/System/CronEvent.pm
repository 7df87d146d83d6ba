# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::CronEvent;

# Stand-in for the tests: NextEventGet() for schedules whose fields other than the
# minute are "*" (the package's cron tasks); the minute field may be N, *, */N or A-B/N.

use strict;
use warnings;

use POSIX qw(strftime);

our @ObjectDependencies = ('Kernel::System::DateTime');

sub new {
    my ( $Type, %Param ) = @_;
    return bless {}, $Type;
}

sub NextEventGet {
    my ( $Self, %Param ) = @_;

    my ( $Minute, @Rest ) = split ' ', $Param{Schedule} // '';
    return if @Rest != 4 || grep { $_ ne '*' } @Rest;

    my ( $From, $To, $Step ) = ( 0, 59, 1 );
    if ( $Minute =~ m{\A ([0-9]+) \z}xms ) {
        ( $From, $To ) = ( $1, $1 );
    }
    elsif ( $Minute =~ m{\A (?: \* | ([0-9]+)-([0-9]+) ) (?: / ([0-9]+) )? \z}xms ) {
        ( $From, $To ) = ( $1, $2 ) if defined $1;
        $Step = $3 if $3;
    }
    else {
        return;
    }

    my $Now  = $Kernel::OM->Create('Kernel::System::DateTime')->ToEpoch();
    my $Next = $Now - $Now % 60 + 60;
    for ( 1 .. 24 * 60 ) {
        my $M = ( gmtime $Next )[1];
        return strftime( '%Y-%m-%d %H:%M:%S', gmtime $Next )
            if $M >= $From && $M <= $To && ( $M - $From ) % $Step == 0;
        $Next += 60;
    }
    return;
}

1;
