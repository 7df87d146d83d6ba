# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync;

use strict;
use warnings;

use Time::HiRes();

# One object, one part per job (as OTRS's FAQ object): this file runs a sync,
# the parts read OTRS, ask for the plan, apply it, lock and keep the state file.
use parent qw(
    Kernel::System::SalesForce::Sync::OTRSState
    Kernel::System::SalesForce::Sync::Plan
    Kernel::System::SalesForce::Sync::Apply
    Kernel::System::SalesForce::Sync::Lock
    Kernel::System::SalesForce::Sync::StateFile
);

# What the object and all its parts get from the object manager.
our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::Cache',
    'Kernel::System::CustomerCompany',
    'Kernel::System::CustomerUser',
    'Kernel::System::DB',
    'Kernel::System::JSON',
    'Kernel::System::Log',
    'Kernel::System::Main',
    'Kernel::System::PID',
    'Kernel::System::SalesForce',
    'Kernel::System::SalesForce::RunHistory',
    'Kernel::System::Ticket',
);

# Exit codes of the sync commands (also in the report as exit_code).
use constant {
    ExitOk         => 0,    # everything applied
    ExitFailed     => 1,    # some records failed (OTRS refused them)
    ExitRefused    => 2,    # cleanup share exceeded without --force, or another sync running
    ExitUnreadable => 3,    # nothing done: Salesforce could not be read (login/fetch failed)
};

# The counts of a report, each 0 before the run.
my @CountNames = qw(created updated unchanged invalidated deleted skipped failed memberships_added memberships_removed);

=head1 NAME

Kernel::System::SalesForce::Sync - plan and apply the Salesforce to OTRS customer sync

=head1 DESCRIPTION

Reads the OTRS customer state with one query per table, asks the Rust planner
(through L<Kernel::System::SalesForce>, call method C<sync_plan>, which fetches
from Salesforce and plans in one call) what to change, and applies that plan with
the OTRS API (CustomerCompanyAdd/Update, CustomerUserAdd/Update,
CustomerUserCustomerMemberAdd), so caches, events and backends stay right.
A dry run stops after the plan. Per-record failures are collected with OTRS's own
log message and the sync goes on.

The planner decides; this object maps and applies. The plan's values are
already in OTRS form (Salesforce datetimes as C<YYYY-MM-DD hh:mm:ss>, UTC) and
the plan counts the run's Salesforce API calls.

The object is one object of several parts, one per job:

    Kernel::System::SalesForce::Sync               Sync(): runs one sync
    Kernel::System::SalesForce::Sync::OTRSState    OTRSState(): reads the OTRS customer data
    Kernel::System::SalesForce::Sync::Plan         Settings(), Plan(), LastError(): asks the planner
    Kernel::System::SalesForce::Sync::Apply        Apply(): applies the plan through the OTRS API
    Kernel::System::SalesForce::Sync::Lock         LockAcquire(), LockRelease(): one sync at a time
    Kernel::System::SalesForce::Sync::StateFile    the IDs this sync invalidated, the last run

=head1 PUBLIC INTERFACE

=head2 new()

Don't use the constructor directly, use the ObjectManager instead:

    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {};
    bless( $Self, $Type );

    return $Self;
}

=head2 Sync()

Runs one sync: settings, OTRS state, plan, apply (unless C<DryRun>), state file.
Every run, dry or real, applied or not, is recorded in the run history
(L<Kernel::System::SalesForce::RunHistory>), which then drops the runs older than
its retention; a failure to record is logged and changes nothing of the run.

    my $Report = $SyncObject->Sync(
        Kind       => 'companies',           # or 'customers'
        DryRun     => 0,                     # optional: plan only, write nothing
        Force      => 0,                     # optional: allow a cleanup above the share limit
        RunKind    => 'full',                # optional: full | incremental (default: SalesForceModule::Sync::Incremental)
        Limit      => 100,                   # optional: overrides ::Limit
        DeleteOld  => '00*',                 # optional: overrides ::DeleteOld
        ValidData  => 1,                     # optional: overrides ::ValidData
        SalesForce => { SF_AUTHUSER => .. }, # optional: constructor overrides of Kernel::System::SalesForce
        UserID     => 1,                     # optional, default 1
        Progress   => sub { my %P = @_; },   # optional: called with Stage, Done, Total, Seconds
        Trigger    => 'console',             # optional: what ran it, for the run history:
                                             #   console | cron | screen | api (default)
        OTRSState  => \my $State,            # optional: gets the OTRS data the plan was made
                                             #   from (see OTRSState()), e.g. for a preview
    );

Returns a report (never undef):

    {
        kind      => 'companies',
        dry_run   => 0,
        status    => 'ok',     # ok | failed | refused | unreadable | error
        exit_code => 0,        # 0 ok, 1 some records failed, 2 refused, 3 Salesforce unreadable
        message   => '...',
        counts    => { created => 3, updated => 1, unchanged => 10, invalidated => 0, deleted => 0,
                       skipped => 1, failed => 0, memberships_added => 0, memberships_removed => 0 },
        skipped   => [ { id => '001...', name => '...', reason => '...' } ],
        failed    => [ { id => '001...', action => 'create', reason => '...' } ],
        cleanup   => { ...as in the plan... },
        api_calls => 3,        # Salesforce API calls of this run (the plan's fetch.api_calls)
        usage     => { api_calls => 3, logins => 1, retries => 0, limit_info => { current => .., limit => .. } },
        fetch     => { records => 14, pages => 1, api_calls => 3, complete => 1 },
        run       => { kind => 'incremental', since => '...', watermark => '...', changed => 2, deleted => 0,
                       left_where => 0 },                  # or { kind => 'full', reason => '...', watermark => '...' }
        plan      => { create => 3, update => 1, ... },    # the planner's counts
        notes     => [ '...' ],                            # things the admin should know
        otrs_records => 12,    # companies or customer users OTRS had before the run
        seconds   => 1.2,
        soql      => 'SELECT ...',
        actions   => [ ...the plan's actions... ],   # dry run only
        error     => { name => 'AUTH', message => '...', ... },   # unreadable only
        run_id    => 12,       # the run in the run history (not in the stored report)
    }

=cut

sub Sync {
    my ( $Self, %Param ) = @_;

    my $Start  = Time::HiRes::time();
    my $Kind   = $Param{Kind} // '';
    my $Report = {
        kind    => $Kind,
        dry_run => $Param{DryRun} ? 1 : 0,
        counts  => { map { $_ => 0 } @CountNames },
        skipped => [],
        failed  => [],
    };
    my $Finish = sub {
        my (%Result) = @_;
        $Report->{$_} = $Result{$_} for sort keys %Result;
        $Report->{seconds} = sprintf( '%.1f', Time::HiRes::time() - $Start ) + 0;
        my $RunID = $Self->_RunRecord(
            Report  => $Report,
            Trigger => $Param{Trigger},
            Started => $Start,
            UserID  => $Param{UserID},
        );
        $Report->{run_id} = $RunID if $RunID;
        return $Report;
    };

    if ( $Kind ne 'companies' && $Kind ne 'customers' ) {
        return $Finish->(
            status    => 'error',
            exit_code => ExitFailed,
            message   => "Unknown sync kind '$Kind' (use companies or customers).",
        );
    }

    my $Progress = ref $Param{Progress} eq 'CODE' ? $Param{Progress} : sub { };

    # Nothing of an earlier run on this (singleton) object carries over.
    $Self->{Applied}         = {};
    $Self->{PlanInvalidated} = {};

    my $Settings = $Self->Settings(%Param);
    $Progress->( Stage => 'state' );
    my $State = $Self->OTRSState(
        Kind     => $Kind,
        Settings => $Settings,
    );
    ${ $Param{OTRSState} } = $State if ref $Param{OTRSState} eq 'SCALAR';
    if ( !$State ) {
        return $Finish->(
            status    => 'error',
            exit_code => ExitFailed,
            message   => 'Nothing was changed: could not read the OTRS customer data: '
                . (
                $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
                    Type => 'error',
                    What => 'Message'
                    )
                    || 'see the OTRS log'
                ),
        );
    }
    $Report->{otrs_records} = scalar @{ $State->{ $Kind eq 'companies' ? 'companies' : 'users' } };

    # The columns as this database has them (OTOBO's are shorter than OTRS 6's).
    $Settings->{column_lengths} = $Self->ColumnLengths( Kind => $Kind );

    $Progress->( Stage => 'plan' );
    my $Plan = $Self->Plan(
        Kind     => $Kind,
        Settings => $Settings,
        State    => $State,
        Run      => $Self->RunRequest(
            Kind    => $Kind,
            RunKind => $Param{RunKind},
        ),
        SalesForce => $Param{SalesForce},
    );
    if ( !$Plan ) {
        my $Error = $Self->LastError() || { message => 'unknown error' };
        if ( !$Param{DryRun} ) {
            $Self->_StateSave(
                Kind   => $Kind,
                Report => $Report,
                Status => 'unreadable',
            );
        }
        return $Finish->(
            status    => 'unreadable',
            exit_code => ExitUnreadable,
            error     => $Error,
            message   => 'Nothing was changed: Salesforce could not be read: ' . _ErrorText($Error),
        );
    }

    if ( ref $Plan->{run} eq 'HASH' ) {
        $Report->{run} = { %{ $Plan->{run} } };
        delete $Report->{run}->{mirror_next};
    }
    $Report->{soql}                = $Plan->{soql};
    $Report->{fetch}               = $Plan->{fetch} || {};
    $Report->{usage}               = $Plan->{usage} || {};
    $Report->{api_calls}           = $Report->{fetch}->{api_calls};
    $Report->{cleanup}             = $Plan->{cleanup} || {};
    $Report->{plan}                = $Plan->{counts}  || {};
    $Report->{notes}               = $Plan->{notes}   || [];
    $Report->{counts}->{unchanged} = $Plan->{unchanged} // 0;
    $Self->{PlanInvalidated}       = ref $Plan->{sync_invalidated} eq 'HASH' ? $Plan->{sync_invalidated} : {};

    for my $Skip ( @{ $Plan->{skipped} || [] } ) {
        push @{ $Report->{skipped} }, {
            id     => $Skip->{id},
            name   => $Skip->{name},
            reason => $Skip->{reason},
        };
    }

    if ( $Param{DryRun} ) {
        $Report->{actions} = $Plan->{actions} || [];
        $Report->{counts}->{skipped} = scalar @{ $Report->{skipped} };
    }
    else {
        $Self->Apply(
            Kind     => $Kind,
            Plan     => $Plan,
            Report   => $Report,
            UserID   => $Param{UserID} || 1,
            Progress => $Progress,
        );
        $Report->{counts}->{skipped} = scalar @{ $Report->{skipped} };
        $Report->{counts}->{failed}  = scalar @{ $Report->{failed} };
    }

    my ( $Status, $ExitCode, $Message ) = ( 'ok', ExitOk, 'Everything was applied.' );
    if ( $Report->{dry_run} ) {
        $Message = 'Dry run: nothing was written.';
    }
    if ( $Report->{cleanup}->{refused} ) {
        ( $Status, $ExitCode ) = ( 'refused', ExitRefused );

        # Format copies: "%s" on the report's own numbers sets their string flag, and
        # JSON::XS (used by Kernel::System::JSON) would then write "10" instead of 10.
        my ( $Candidates, $Synced ) = ( $Report->{cleanup}->{candidates}, $Report->{cleanup}->{synced} );
        $Message = sprintf(
            'Cleanup refused: %s of %s synced records (%.1f%%) would be %s, more than the allowed %s%% '
                . '(SysConfig SalesForceModule::Cleanup::MaxSharePercent). Check Salesforce and the Where/DeleteOld '
                . 'settings, then run again with --force to allow it.',
            $Candidates // '?',
            $Synced     // '?',
            100 * ( $Report->{cleanup}->{share} // 0 ),
            ( $Settings->{cleanup_action} eq 'delete' ? 'deleted' : 'set invalid' ),
            100 * ( $Report->{cleanup}->{max_share} // $Settings->{cleanup_max_share} ),
        );
    }
    elsif ( @{ $Report->{failed} } ) {
        ( $Status, $ExitCode ) = ( 'failed', ExitFailed );
        $Message = scalar( @{ $Report->{failed} } ) . ' record(s) failed; the others were applied.';
    }
    if ( $Status eq 'refused' && @{ $Report->{failed} } ) {
        $Message .= ' Also ' . scalar( @{ $Report->{failed} } ) . ' record(s) failed.';
    }

    # One line for the OTRS log (below the default MinimumLogLevel "error", so it
    # never reaches STDERR and never fails a cron task by itself).
    my $Counts = $Report->{counts};
    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'notice',
        Message  => sprintf(
            'SalesForce sync of %s%s: %s (exit code %d); created %d, updated %d, unchanged %d, invalidated %d, '
                . 'deleted %d, skipped %d, failed %d.',
            $Kind, ( $Param{DryRun} ? ' (dry run)' : '' ), $Status, $ExitCode,
            map { $Counts->{$_} // 0 } qw(created updated unchanged invalidated deleted skipped failed)
        ),
    );

    # The plan compares all of OTRS with all of Salesforce, so records that
    # failed are planned again by the next run, incremental or not.
    $Self->_MirrorKeep(
        Plan => $Plan,
        Keep => !$Param{DryRun},
    );
    if ( !$Param{DryRun} ) {
        $Self->_StateSave(
            Kind   => $Kind,
            Report => $Report,
            Status => $Status,
        );
    }

    return $Finish->(
        status    => $Status,
        exit_code => $ExitCode,
        message   => $Message,
    );
}

=head2 RecordRefused()

Records in the run history a sync that did not start because another sync holds
the lock (see L<Kernel::System::SalesForce::Sync::Lock/LockAcquire()>).

    my $RunID = $SyncObject->RecordRefused(
        Kind    => 'companies',
        Message => 'Another SalesForce sync is running ...',
        Trigger => 'console',     # console | cron | screen | api
        UserID  => 1,             # optional
    );

Returns the run ID, or undef (logged).

=cut

sub RecordRefused {
    my ( $Self, %Param ) = @_;

    my $Report = {
        kind      => $Param{Kind},
        status    => 'locked',
        exit_code => ExitRefused,
        message   => $Param{Message},
        dry_run   => 0,
        counts    => { map { $_ => 0 } @CountNames },
        skipped   => [],
        failed    => [],
        seconds   => 0,
    };
    my $RunID = eval {
        $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory')->RunAdd(
            Report  => $Report,
            Trigger => $Param{Trigger} // 'api',
            UserID  => $Param{UserID} || 1,
        );
    };
    if ( !$RunID ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'SalesForce sync: the refused run could not be recorded in the run history '
                . '(table salesforce_sync_run).' . ( $@ ? " $@" : '' ),
        );
    }
    return $RunID;
}

=begin Internal:

=cut

# Records the run in the run history and drops the runs past the retention. Never
# fails the run: an error (no table, a database error, even a die) is logged.
sub _RunRecord {
    my ( $Self, %Param ) = @_;

    my $Trigger = $Param{Trigger} // 'api';
    my $RunID   = eval {
        my $RunHistoryObject = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');
        my $ID               = $RunHistoryObject->RunAdd(
            Report  => $Param{Report},
            Trigger => $Trigger,
            Started => $Param{Started},
            UserID  => $Param{UserID} || 1,
        );
        $RunHistoryObject->RunCleanup() if $ID;
        $ID;
    };
    if ( !$RunID ) {
        my $Error = $@ || '';
        $Error =~ s{\s+\z}{}smx;
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'SalesForce sync: the run could not be recorded in the run history (table '
                . 'salesforce_sync_run); the sync itself is not affected.' . ( $Error ? " $Error" : '' ),
        );
    }

    return $RunID;
}

sub _ErrorText {
    my ($Error) = @_;

    my $Text = $Error->{message} // 'unknown error';
    $Text = "$Error->{name}: $Text" if $Error->{name};
    $Text .= " (Salesforce: $Error->{sf_code})" if $Error->{sf_code};
    $Text .= " while $Error->{context}"         if $Error->{context};
    return $Text;
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
