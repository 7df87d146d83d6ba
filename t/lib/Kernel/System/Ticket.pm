# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Ticket;

# CI stand-in for the one Kernel::System::Ticket call the sync makes:
# TicketSearch( Result => 'COUNT', CustomerIDRaw | CustomerUserLoginRaw,
# ArchiveFlags, UserID ) before a cleanup deletes a company or customer user
# (exact, case-insensitive match as the *Raw params are in OTRS 6). Tickets
# live in the DB stand-in's "ticket" table (columns customer_id,
# customer_user_id, archive_flag).

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::System::DB',
    'Kernel::System::Log',
);

sub new {
    my ( $Type, %Param ) = @_;

    return bless {}, $Type;
}

sub TicketSearch {
    my ( $Self, %Param ) = @_;

    if ( !$Param{UserID} && !$Param{CustomerUserID} ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'Need UserID or CustomerUserID params for permission check!',
        );
        return;
    }
    my %Archive = map  { $_ => 1 } @{ $Param{ArchiveFlags} || ['n'] };
    my @Tickets = grep { $Archive{ $_->{archive_flag} // 'n' } }
        @{ $Kernel::OM->Get('Kernel::System::DB')->StandInRows('ticket') };
    for my $Field ( [ 'CustomerIDRaw', 'customer_id' ], [ 'CustomerUserLoginRaw', 'customer_user_id' ] ) {
        my ( $Param, $Column ) = @{$Field};
        next if !defined $Param{$Param};
        my %Wanted = map { lc $_ => 1 } ref $Param{$Param} ? @{ $Param{$Param} } : ( $Param{$Param} );
        @Tickets = grep { $Wanted{ lc( $_->{$Column} // '' ) } } @Tickets;
    }
    if ( ( $Param{Result} // 'HASH' ) eq 'COUNT' ) {
        return scalar @Tickets;
    }
    return map { ( $_->{id} => $_->{tn} ) } @Tickets;
}

1;
