# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::Console::Command::Admin::SalesForce::SyncCustomers;

use strict;
use warnings;

use parent qw(Kernel::System::SalesForce::Sync::CommandBase);

our @ObjectDependencies = (
    'Kernel::System::JSON',
    'Kernel::System::SalesForce::Sync',
);

=head1 NAME

Kernel::System::Console::Command::Admin::SalesForce::SyncCustomers - synchronise Salesforce Account owners or Contacts into OTRS customer users

=head1 SYNOPSIS

    bin/otrs.Console.pl Admin::SalesForce::SyncCustomers [--dry-run] [--force] [--json] [--wait SECONDS]
        [--customers-limit N] [--customers-delete-old PATTERN] [--valid-data 0|1] [--sf 1] [--auth-... VALUE]

=head1 DESCRIPTION

Reads the OTRS customers, asks Salesforce and the planner what changed and applies it
through the OTRS API. Settings come from SysConfig (C<SalesForceModule::*>);
options override them for one run. Options and their meaning are those of
SalesForce-Customer-Sync-CE 6.0.1, plus C<--dry-run>, C<--force>, C<--json> and
C<--wait>. Secrets given as options are visible to other local users in the
process list; keep them in SysConfig.

Exit codes:

    0  everything was applied (with --dry-run: planned, nothing written)
    1  some records failed (OTRS refused them); the others were applied
    2  refused: the cleanup would touch more than SalesForceModule::Cleanup::MaxSharePercent
       of the synced records (run again with --force), or another sync is running (--wait)
    3  nothing was done: Salesforce could not be read (login or fetch failed)

=head1 PUBLIC INTERFACE

=head2 Configure()

Declares the options (see L<Kernel::System::SalesForce::Sync::CommandBase>).

    $CommandObject->Configure();

=cut

sub Configure {
    my ( $Self, %Param ) = @_;

    $Self->ConfigureSync( Kind => 'customers' );

    return;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
