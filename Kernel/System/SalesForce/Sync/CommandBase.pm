# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync::CommandBase;

use strict;
use warnings;

use parent qw(Kernel::System::Console::BaseCommand);

# A base class, never loaded through the object manager itself; it lives
# outside Console/Command so OTRS does not list it as a command.
our $ObjectManagerDisabled = 1;

our @ObjectDependencies = (
    'Kernel::System::JSON',
    'Kernel::System::Log',
    'Kernel::System::SalesForce::RunHistory',
    'Kernel::System::SalesForce::Sync',
);

=head1 NAME

Kernel::System::SalesForce::Sync::CommandBase - shared code of the Admin::SalesForce::Sync* commands

=head1 DESCRIPTION

Options, run, summary and exit codes of
C<Admin::SalesForce::SyncCompanies> and C<Admin::SalesForce::SyncCustomers>; a
command only names the kind of records it syncs (L</SyncKind()>).

A sync command reads the OTRS records, asks Salesforce and the planner what changed
and applies it through the OTRS API. Settings come from SysConfig
(C<SalesForceModule::*>); options override them for one run. Options and their
meaning are those of SalesForce-Customer-Sync-CE 6.0.1, plus C<--dry-run>,
C<--force>, C<--json> and C<--wait>. Secrets given as options are visible to other
local users in the process list; keep them in SysConfig.

Exit codes (also in C<--help>):

    0  everything was applied (with --dry-run: planned, nothing written)
    1  some records failed (OTRS refused them); the others were applied
    2  refused: the cleanup would touch more than SalesForceModule::Cleanup::MaxSharePercent
       of the synced records (run again with --force), or another sync is running (--wait)
    3  nothing was done: Salesforce could not be read (login or fetch failed)

Every run is recorded in the run history (L<Kernel::System::SalesForce::RunHistory>),
with the trigger C<cron> when the OTRS daemon runs the command as a cron task
(see L</RunTrigger()>) and C<console> otherwise; a run refused because another
sync is running is recorded too (status C<locked>).

=cut

# The passes of --passes are spread over this many seconds (tests shorten it).
our $PassPeriodSeconds = 60;

# What differs between the kinds of sync; the option names use the kind itself
# (--companies-limit, --customers-delete-old, ...).
my %KindTable = (
    companies => {
        Description => 'Synchronise Salesforce Accounts into OTRS customer companies.',
        Starting    => 'Synchronising Salesforce Accounts into customer companies...',
    },
    customers => {
        Description => 'Synchronise Salesforce people (Account owners or Contacts) into OTRS customer users.',
        Starting    => 'Synchronising Salesforce people into customer users...',
    },
);

=head1 PUBLIC INTERFACE

=head2 Configure()

Declares the description and options of the command for its L</SyncKind()>
(see L</ConfigureSync()>).

    $CommandObject->Configure();

=cut

sub Configure {
    my ( $Self, %Param ) = @_;

    $Self->ConfigureSync( Kind => $Self->SyncKind() );

    return;
}

=head2 SyncKind()

The kind of records the command syncs, C<companies> or C<customers>; each command
defines it.

    my $Kind = $CommandObject->SyncKind();

=cut

sub SyncKind {
    my ( $Self, %Param ) = @_;

    die ref($Self) . ' must define SyncKind() (companies or customers)';
}

=head2 ConfigureSync()

Declares the description and options of a sync command.

    $CommandObject->ConfigureSync(
        Kind => 'companies',    # or 'customers'
    );

Returns nothing.

=cut

sub ConfigureSync {
    my ( $Self, %Param ) = @_;

    my $Kind = $Param{Kind} // '';
    if ( !$KindTable{$Kind} ) {
        die "ConfigureSync: unknown Kind '$Kind' (use one of: " . join( ', ', sort keys %KindTable ) . ')';
    }
    my $Plural = $Kind;
    $Self->{SyncKind} = $Kind;

    $Self->Description( $KindTable{$Kind}->{Description} );

    my $SecretNote = ' Other local users can see command line arguments (ps), so prefer the SysConfig setting %s.';
    my @Options    = (
        [
            'sf', 'Activate the Salesforce module for this run (1), overriding SysConfig SalesForceModule.',
            qr/^[01]$/smx
        ],
        [ 'auth-user', 'Salesforce user name (overrides SalesForceModule::AuthUser).', qr/.*/smx ],
        [
            'auth-password',
            'Salesforce password (overrides SalesForceModule::AuthPassword).'
                . sprintf( $SecretNote, 'SalesForceModule::AuthPassword' ),
            qr/.*/smx
        ],
        [
            'auth-security-token',
            'Salesforce security token (overrides SalesForceModule::AuthSecToken).'
                . sprintf( $SecretNote, 'SalesForceModule::AuthSecToken' ),
            qr/.*/smx
        ],
        [ 'auth-proxy',       'SOAP login URL (overrides SalesForceModule::Proxy).',               qr/.*/smx ],
        [ 'auth-api-version', 'API version, e.g. 64.0 (overrides SalesForceModule::APIVersion).',  qr/.*/smx ],
        [ 'auth-baseurl',     'Partner namespace URI (overrides SalesForceModule::BaseUrl).',      qr/.*/smx ],
        [ 'auth-prefix',      'SOAP prefix (overrides SalesForceModule::Prefix).',                 qr/.*/smx ],
        [ 'auth-sobjecturl',  'sObject namespace URI (overrides SalesForceModule::SObjectUrl).',   qr/.*/smx ],
        [ 'auth-metadataurl', 'Metadata namespace URI (overrides SalesForceModule::MetaDataUrl).', qr/.*/smx ],
        [
            'auth-webproxy',
            'HTTP(S) proxy URL (overrides SalesForceModule::WebProxy). A proxy password in it is visible to other '
                . 'local users (ps); prefer SysConfig.',
            qr/.*/smx
        ],
        [
            "$Plural-limit",
            "Fetch at most this many records (overrides SalesForceModule::\u$Plural\::Limit). A limited run never "
                . 'cleans up.',
            qr/^[1-9][0-9]{0,8}$/smx
        ],
        [
            "$Plural-delete-old",
            "ID pattern (e.g. 00*) of records to clean up when Salesforce no longer has them (overrides "
                . "SalesForceModule::\u$Plural\::DeleteOld); an empty value turns cleanup off for this run.",
            qr/.*/smx
        ],
        [
            'valid-data',
            'Skip records whose name starts with * (1) or not (0); overrides SalesForceModule::ValidData.',
            qr/^(1|0)$/smx
        ],
        [
            'wait',
            'If another sync is running, wait up to this many seconds for it (default 0: stop with exit code 2).',
            qr/^[0-9]{1,6}$/smx
        ],
        [
            'passes',
            'Sync this many times (2 to 6), spread evenly over one minute; each pass is a run of its own. With the '
                . 'cron task every minute and --passes 2, a change in Salesforce reaches OTRS within about half a '
                . 'minute plus the run, at twice the Salesforce API calls. Not with --dry-run or --json.',
            qr/^[1-6]$/smx
        ],
    );
    for my $Option (@Options) {
        $Self->AddOption(
            Name        => $Option->[0],
            Description => $Option->[1],
            Required    => 0,
            HasValue    => 1,
            ValueRegex  => $Option->[2],
        );
    }
    $Self->AddOption(
        Name        => 'dry-run',
        Description => 'Only print what would be changed; write nothing.',
        Required    => 0,
        HasValue    => 0,
    );
    $Self->AddOption(
        Name        => 'force',
        Description => 'Allow a cleanup that touches more than SalesForceModule::Cleanup::MaxSharePercent of the '
            . 'synced records.',
        Required => 0,
        HasValue => 0,
    );
    $Self->AddOption(
        Name        => 'full',
        Description =>
            'Read everything from Salesforce (a full run), whatever SalesForceModule::Sync::Incremental says.',
        Required => 0,
        HasValue => 0,
    );
    $Self->AddOption(
        Name        => 'incremental',
        Description =>
            'Read only what changed since the last applied run, even when SalesForceModule::Sync::Incremental '
            . 'is off or a full run is due by SalesForceModule::Sync::FullRunIntervalHours (without an earlier run to '
            . 'build on, the run is full and says why).',
        Required => 0,
        HasValue => 0,
    );
    $Self->AddOption(
        Name        => 'json',
        Description =>
            'Print a machine-readable JSON report on STDOUT instead of the text summary (--quiet silences it).',
        Required => 0,
        HasValue => 0,
    );

    $Self->AdditionalHelp(<<"EOF");
Settings come from SysConfig (SalesForceModule::*); options given here override them for this run.
Credentials are best kept in SysConfig: command line arguments are visible to other local users.
Use the global option --quiet for cron runs (only errors are printed).

<yellow>Exit codes:</yellow>
  0  everything was applied (with --dry-run: planned, nothing written)
  1  some records failed (OTRS refused them, see the summary); the others were applied
  2  refused: the cleanup would touch more than SalesForceModule::Cleanup::MaxSharePercent of the
     synced records (check, then run again with --force), or another sync is running (see --wait)
  3  nothing was done: Salesforce could not be read (login or fetch failed)
EOF

    return;
}

=head2 Run()

Takes the lock, runs the sync (see L<Kernel::System::SalesForce::Sync/Sync()>),
prints the summary or the JSON report and returns the exit code.

    my $ExitCode = $CommandObject->Run();

=cut

sub Run {
    my ( $Self, %Param ) = @_;

    my $Kind       = $Self->{SyncKind};
    my $Plural     = $Kind;
    my $JSONOutput = $Self->GetOption('json');
    my $DryRun     = $Self->GetOption('dry-run');
    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
    $Self->{SyncObject} = $SyncObject;

    if ( !$JSONOutput ) {
        $Self->Print("<yellow>$KindTable{$Kind}->{Starting}</yellow>\n");
    }

    my %SalesForce = (
        SF              => $Self->GetOption('sf'),
        SF_PROXY        => $Self->GetOption('auth-proxy'),
        SF_URI          => $Self->GetOption('auth-baseurl'),
        SF_PREFIX       => $Self->GetOption('auth-prefix'),
        SF_SOBJECT_URI  => $Self->GetOption('auth-sobjecturl'),
        SF_URIM         => $Self->GetOption('auth-metadataurl'),
        SF_APIVERSION   => $Self->GetOption('auth-api-version'),
        WEB_PROXY       => $Self->GetOption('auth-webproxy'),
        SF_AUTHUSER     => $Self->GetOption('auth-user'),
        SF_AUTHPASSWORD => $Self->GetOption('auth-password'),
        SF_AUTHSECTOKEN => $Self->GetOption('auth-security-token'),
    );

    my $Progress = sub {
        my (%Progress) = @_;
        return if $JSONOutput;
        if ( $Progress{Stage} eq 'state' ) {
            $Self->Print("  Reading the OTRS $Plural...\n");
        }
        elsif ( $Progress{Stage} eq 'plan' ) {
            $Self->Print("  Reading Salesforce and planning (this may take a while)...\n");
        }
        elsif ( $Progress{Stage} eq 'apply' && $Progress{Total} ) {
            $Self->Print(
                sprintf(
                    "  Applied %d of %d changes (%d%%, %.0f s)\n",
                    $Progress{Done}, $Progress{Total}, 100 * $Progress{Done} / $Progress{Total},
                    $Progress{Seconds}
                )
            );
        }
        return;
    };

    if ( $Self->GetOption('full') && $Self->GetOption('incremental') ) {
        $Self->PrintError('Use --full or --incremental, not both.');
        return $Self->ExitCodeError();
    }

    my $Passes = $Self->GetOption('passes') || 1;
    if ( $Passes > 1 && ( $DryRun || $JSONOutput ) ) {
        $Self->PrintError('--passes is for real runs with the text summary: not with --dry-run or --json.');
        return $Self->ExitCodeError();
    }

    # Passes start evenly spread over the minute, each under the lock (the other sync may
    # run between them); the exit code is the worst of them.
    my $Start    = Time::HiRes::time();
    my $ExitCode = Kernel::System::SalesForce::Sync::ExitOk();
    PASS:
    for my $Pass ( 1 .. $Passes ) {
        if ( $Pass > 1 ) {
            my $Wait = $Start + ( $Pass - 1 ) * $PassPeriodSeconds / $Passes - Time::HiRes::time();
            Time::HiRes::sleep($Wait) if $Wait > 0;
            $Self->Print("<yellow>Pass $Pass of $Passes</yellow>\n");
        }

        # A dry run writes nothing, so it may run beside a real sync.
        if ( !$DryRun ) {
            my $Refused = $Self->_LockAcquire(
                Wait => $Pass == 1 ? $Self->GetOption('wait') // 0 : $PassPeriodSeconds / $Passes,
            );
            if ($Refused) {
                $ExitCode = $Refused if $Refused > $ExitCode;
                next PASS;
            }
        }

        # --full makes the first pass full; the later ones build on it.
        my $RunKind;
        $RunKind = 'full'        if $Self->GetOption('full') && $Pass == 1;
        $RunKind = 'incremental' if $Self->GetOption('incremental');

        my $Report = $SyncObject->Sync(
            Kind       => $Kind,
            DryRun     => $DryRun,
            RunKind    => $RunKind,
            Force      => $Self->GetOption('force'),
            Limit      => $Self->GetOption("$Plural-limit"),
            DeleteOld  => $Self->GetOption("$Plural-delete-old"),
            ValidData  => $Self->GetOption('valid-data'),
            SalesForce => \%SalesForce,
            Progress   => $Progress,
            Trigger    => $Self->RunTrigger(),
        );

        if ($JSONOutput) {
            $Self->_PrintJSON($Report);
        }
        else {
            $Self->_PrintSummary($Report);
        }

        my $PassExitCode = $Report->{exit_code} // Kernel::System::SalesForce::Sync::ExitFailed();
        if ($PassExitCode) {
            $Self->PrintError( $Report->{message} );
        }
        $ExitCode = $PassExitCode if $PassExitCode > $ExitCode;
        $SyncObject->LockRelease();
    }

    return $Self->ExitCodeOk()    if $ExitCode == Kernel::System::SalesForce::Sync::ExitOk();
    return $Self->ExitCodeError() if $ExitCode == Kernel::System::SalesForce::Sync::ExitFailed();
    return $ExitCode;
}

=head2 RunTrigger()

What runs the command, for the run history: C<cron> when the OTRS daemon runs
it as a cron task, else C<console>.

    my $Trigger = $CommandObject->RunTrigger();

A cron task runs a command in a child of the daemon's task worker, whose
handler C<Kernel::System::Daemon::DaemonModules::SchedulerTaskWorker::Cron>
calls C<Execute()> (the cron task's C<Function>) directly, in the same process,
without C<bin/otrs.Console.pl>. So the command is a cron run when that handler
is among its callers, or (as a second sign) when the process is the daemon,
F<bin/otrs.Daemon.pl> (F<znuny.Daemon.pl>), which the task worker's children
inherit as C<$0>. An C<otrs.Console.pl> run shows neither. The task's
C<--quiet> changes nothing of this.

=cut

sub RunTrigger {
    my ( $Self, %Param ) = @_;

    my $Level = 0;
    FRAME:
    while ( my ($Package) = caller $Level++ ) {
        return 'cron' if $Package eq 'Kernel::System::Daemon::DaemonModules::SchedulerTaskWorker::Cron';
        last FRAME    if $Level > 200;
    }
    return 'cron' if ( $0 // '' ) =~ m{ (?: \A | / ) (?: otrs | znuny ) \.Daemon\.pl \z }xms;

    return 'console';
}

=head2 PostRun()

Releases the lock if C<Run()> did not get to it (e.g. after a die).

    $CommandObject->PostRun();

=cut

sub PostRun {
    my ( $Self, %Param ) = @_;

    if ( $Self->{SyncObject} ) {
        $Self->{SyncObject}->LockRelease();
    }
    return;
}

=begin Internal:

=cut

# Takes the lock of the sync commands, waiting up to Wait seconds for a running sync.
# Returns nothing when it has it, else the exit code of a refused run (recorded and printed).
sub _LockAcquire {
    my ( $Self, %Param ) = @_;

    my $SyncObject = $Self->{SyncObject};
    my $JSONOutput = $Self->GetOption('json');
    my $Wait       = $Param{Wait};

    my ( $Locked, $Message ) = $SyncObject->LockAcquire( Wait => 0 );
    if ( !$Locked && $Wait ) {
        if ( !$JSONOutput ) {
            $Self->Print( sprintf "  Another sync is running; waiting up to %d seconds for it...\n", $Wait );
        }
        ( $Locked, $Message ) = $SyncObject->LockAcquire( Wait => $Wait );
    }
    return if $Locked;

    $Self->PrintError($Message);
    if ($JSONOutput) {
        $Self->_PrintJSON(
            {
                kind      => $Self->{SyncKind},
                status    => 'locked',
                exit_code => Kernel::System::SalesForce::Sync::ExitRefused(),
                message   => $Message,
            }
        );
    }
    $SyncObject->RecordRefused(
        Kind    => $Self->{SyncKind},
        Message => $Message,
        Trigger => $Self->RunTrigger(),
    );
    return Kernel::System::SalesForce::Sync::ExitRefused();
}

sub _PrintJSON {
    my ( $Self, $Data ) = @_;

    my $JSON = $Kernel::OM->Get('Kernel::System::JSON')->Encode(
        Data     => $Data,
        SortKeys => 1,
        Pretty   => 1,
    );
    $JSON .= "\n" if $JSON !~ m{\n\z}smx;
    $Self->Print($JSON);
    return;
}

sub _PrintSummary {
    my ( $Self, $Report ) = @_;

    if ( $Report->{status} eq 'unreadable' || $Report->{status} eq 'error' ) {
        $Self->Print("<red>Nothing was changed.</red>\n");
        $Self->Print( sprintf( "Time taken: %.1f s\n", $Report->{seconds} // 0 ) );
        return;
    }

    my $Run = $Report->{run};
    if ( ref $Run eq 'HASH' && $Run->{kind} eq 'incremental' ) {
        $Self->Print(
            sprintf(
                "  Incremental run: changes since %s (%s changed, %s deleted, %s no longer match Where).\n",
                $Run->{since} // '?', $Run->{changed} // 0, $Run->{deleted} // 0, $Run->{left_where} // 0
            )
        );
    }
    elsif ( ref $Run eq 'HASH' ) {
        $Self->Print( '  Full run' . ( $Run->{reason} ? ": $Run->{reason}" : '' ) . ".\n" );
    }

    my $Fetch = $Report->{fetch} || {};
    $Self->Print(
        sprintf(
            "  Salesforce returned %s record(s) in %s page(s); OTRS has %s.\n",
            $Fetch->{records} // '?', $Fetch->{pages} // '?', $Report->{otrs_records} // '?'
        )
    );

    my $Cleanup = $Report->{cleanup} || {};
    if ( $Cleanup->{enabled} ) {
        $Self->Print(
            '  Cleanup: '
                . ( $Cleanup->{ran} ? 'ran' : $Cleanup->{refused} ? '<red>refused</red>' : 'did not run' )
                . ( $Cleanup->{reason} ? " ($Cleanup->{reason})" : '' ) . "\n"
        );
    }
    else {
        $Self->Print( '  Cleanup: off' . ( $Cleanup->{reason} ? " ($Cleanup->{reason})" : '' ) . "\n" );
    }

    for my $Note ( @{ $Report->{notes} || [] } ) {
        $Self->Print("  Note: $Note\n");
    }

    if ( $Report->{dry_run} ) {
        $Self->Print("\n<yellow>Dry run: the plan (nothing was written)</yellow>\n");
        my @Body;
        for my $Action ( @{ $Report->{actions} || [] } ) {
            my $Fields  = $Action->{values} || $Action->{changes} || {};
            my @Details = map { "$_=" . ( $Fields->{$_} // '' ) } sort keys %{$Fields};
            push @Details, 'member+ ' . join( ',', @{ $Action->{memberships_add} } )
                if @{ $Action->{memberships_add} || [] };
            push @Details, 'member- ' . join( ',', @{ $Action->{memberships_remove} } )
                if @{ $Action->{memberships_remove} || [] };
            push @Details, $Action->{reason} if $Action->{reason};
            push @Body,    [ $Action->{action}, $Action->{id} // '', join( '; ', @Details ) ];
        }
        if (@Body) {
            $Self->Print(
                $Self->TableOutput(
                    TableData => {
                        Header => [ 'Action', 'ID', 'Details' ],
                        Body   => \@Body,
                    },
                    Indention => 2,
                )
            );
        }
        else {
            $Self->Print("  No changes.\n");
        }
    }

    my $Counts = $Report->{counts} || {};
    $Self->Print("\n<yellow>Summary</yellow>\n");
    $Self->Print(
        sprintf(
            "  %s%d created, %d updated, %d unchanged, %d invalidated, %d deleted, %d skipped, %d failed\n",
            ( $Report->{dry_run} ? 'planned: ' : '' ),
            $Report->{dry_run}
            ? ( map { $Report->{plan}->{$_} // 0 } qw(create update) )
            : ( $Counts->{created}, $Counts->{updated} ),
            $Counts->{unchanged} // 0,
            $Report->{dry_run}
            ? ( map { $Report->{plan}->{$_} // 0 } qw(invalidate delete) )
            : ( $Counts->{invalidated}, $Counts->{deleted} ),
            $Counts->{skipped} // 0,
            $Counts->{failed}  // 0,
        )
    );
    if ( $Counts->{memberships_added} || $Counts->{memberships_removed} ) {
        $Self->Print(
            "  memberships: $Counts->{memberships_added} added, $Counts->{memberships_removed} removed\n"
        );
    }
    if ( @{ $Report->{skipped} || [] } ) {
        $Self->Print("  Skipped:\n");
        for my $Skip ( @{ $Report->{skipped} } ) {
            $Self->Print(
                '    ' . ( $Skip->{id} // '' ) . ( defined $Skip->{name} ? " ($Skip->{name})" : '' ) .
                    ": $Skip->{reason}\n"
            );
        }
    }
    if ( @{ $Report->{failed} || [] } ) {
        $Self->Print("  <red>Failed:</red>\n");
        for my $Failure ( @{ $Report->{failed} } ) {
            $Self->Print("    $Failure->{id} ($Failure->{action}): $Failure->{reason}\n");
        }
    }
    $Self->Print(
        sprintf(
            "  Salesforce API calls: %s (logins: %s, retries: %s); time taken: %.1f s\n",
            $Report->{api_calls} // '?', $Report->{usage}->{logins} // '?', $Report->{usage}->{retries} // '?',
            $Report->{seconds} // 0
        )
    );
    if ( !$Report->{exit_code} ) {
        $Self->Print("<green>$Report->{message}</green>\n");
    }
    return;
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
