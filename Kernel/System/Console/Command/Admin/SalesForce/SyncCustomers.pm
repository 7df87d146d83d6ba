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

Synchronises Salesforce Account owners or Contacts into OTRS customer users; options, settings and exit codes: see
L<Kernel::System::SalesForce::Sync::CommandBase>.

=head1 PUBLIC INTERFACE

=head2 SyncKind()

Returns C<customers>: the command and its options (C<--customers-limit>, ...) are about customer users.

=cut

sub SyncKind {
    my ( $Self, %Param ) = @_;

    return 'customers';
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
