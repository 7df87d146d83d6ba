# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync::Lock;

use strict;
use warnings;

use Fcntl qw(:flock);
use File::Path();

# A part of Kernel::System::SalesForce::Sync, never loaded through the object manager itself.
our $ObjectManagerDisabled = 1;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::PID',
);

# Name of the lock (Kernel::System::PID entry and lock file) shared by both commands.
use constant LockName => 'SalesForceSync';

=head1 NAME

Kernel::System::SalesForce::Sync::Lock - part of Kernel::System::SalesForce::Sync: one sync at a time

=head1 DESCRIPTION

Two syncs never run at once: L</LockAcquire()> takes an exclusive C<flock> on
C<E<lt>OTRS HomeE<gt>/var/tmp/SalesForceSync.lock> (closing the window between
check and create) and then registers the run with
L<Kernel::System::PID> as C<SalesForceSync>, as OTRS commands do, so a run on
another host that shares the database is seen too.

=head1 PUBLIC INTERFACE

=head2 LockAcquire()

Makes sure only one sync runs (both commands share the lock). Waits up to
C<Wait> seconds for a running sync to finish.

    my ( $Success, $Message ) = $SyncObject->LockAcquire(
        Wait => 0,          # seconds, optional
        TTL  => 21600,      # optional, seconds a PID entry counts as running (default 6 h)
    );

Returns 1, or (undef, message) when another sync is running.

=cut

sub LockAcquire {
    my ( $Self, %Param ) = @_;

    return 1 if $Self->{LockHandle};

    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    my $PIDObject    = $Kernel::OM->Get('Kernel::System::PID');
    my $Wait         = $Param{Wait} || 0;
    my $TTL          = $Param{TTL}  || 6 * 60 * 60;
    my $Deadline     = time() + $Wait;
    my $Host         = $ConfigObject->Get('FQDN');

    my $Directory = $ConfigObject->Get('Home') . '/var/tmp';
    File::Path::make_path($Directory) if !-d $Directory;
    my $LockFile = "$Directory/" . LockName . '.lock';

    # Kernel::System::Main has no file locking, so the lock file is opened here.
    my $Handle;
    if ( !open $Handle, '>>', $LockFile ) {    ## no critic
        return ( undef, "Could not open the lock file $LockFile: $!" );
    }

    my $Holder = '';
    TRY:
    while (1) {
        if ( flock $Handle, LOCK_EX | LOCK_NB ) {
            my %Running = $PIDObject->PIDGet( Name => LockName );
            my $Stale   = 0;
            if ( %Running && $Running{PID} ne $$ ) {

                # An entry of this host whose process is gone was left by a crash.
                if ( defined $Host && $Running{Host} eq $Host && !kill 0, $Running{PID} ) {
                    $Stale = 1;
                }
            }
            if (
                $PIDObject->PIDCreate(
                    Name  => LockName,
                    TTL   => $TTL,
                    Force => $Stale,
                )
                )
            {
                $Self->{LockHandle} = $Handle;
                return 1;
            }
            $Holder = %Running ? " (process $Running{PID} on $Running{Host})" : '';
            flock $Handle, LOCK_UN;
        }
        last TRY if time() >= $Deadline;
        sleep 1;
    }
    close $Handle;

    return (
        undef,
        "Another SalesForce sync is running$Holder; only one sync (companies or customers) may run at a time. "
            . ( $Wait ? "Waited $Wait seconds. " : '' )
            . 'Try again later, or use --wait SECONDS to wait for it.',
    );
}

=head2 LockRelease()

Releases the lock taken by L</LockAcquire()>.

    $SyncObject->LockRelease();

Returns 1.

=cut

sub LockRelease {
    my ( $Self, %Param ) = @_;

    return 1 if !$Self->{LockHandle};
    $Kernel::OM->Get('Kernel::System::PID')->PIDDelete( Name => LockName );
    flock $Self->{LockHandle}, LOCK_UN;
    close $Self->{LockHandle};
    delete $Self->{LockHandle};
    return 1;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
