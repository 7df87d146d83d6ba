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

use Fcntl qw(:flock);
use File::Path();
use Time::HiRes();

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
    'Kernel::System::Ticket',
);

# Exit codes of the sync commands (also in the report as exit_code).
use constant {
    ExitOk         => 0,    # everything applied
    ExitFailed     => 1,    # some records failed (OTRS refused them)
    ExitRefused    => 2,    # cleanup share exceeded without --force, or another sync running
    ExitUnreadable => 3,    # nothing done: Salesforce could not be read (login/fetch failed)
};

# Name of the lock (Kernel::System::PID entry and lock file) shared by both commands.
use constant LockName => 'SalesForceSync';

# The OTRS 6 default maps (Kernel/Config/Defaults.pm): param -> column. Used only
# when the backend configuration cannot be read.
my @DefaultCompanyMap = (
    [ 'CustomerID',             'customer_id' ],
    [ 'CustomerCompanyName',    'name' ],
    [ 'CustomerCompanyStreet',  'street' ],
    [ 'CustomerCompanyZIP',     'zip' ],
    [ 'CustomerCompanyCity',    'city' ],
    [ 'CustomerCompanyCountry', 'country' ],
    [ 'CustomerCompanyURL',     'url' ],
    [ 'CustomerCompanyComment', 'comments' ],
    [ 'ValidID',                'valid_id' ],
);
my @DefaultUserMap = (
    [ 'UserTitle',      'title' ],
    [ 'UserFirstname',  'first_name' ],
    [ 'UserLastname',   'last_name' ],
    [ 'UserLogin',      'login' ],
    [ 'UserPassword',   'pw' ],
    [ 'UserEmail',      'email' ],
    [ 'UserCustomerID', 'customer_id' ],
    [ 'UserPhone',      'phone' ],
    [ 'UserFax',        'fax' ],
    [ 'UserMobile',     'mobile' ],
    [ 'UserStreet',     'street' ],
    [ 'UserZip',        'zip' ],
    [ 'UserCity',       'city' ],
    [ 'UserCountry',    'country' ],
    [ 'UserComment',    'comments' ],
    [ 'ValidID',        'valid_id' ],
);

# Keys of a CustomerCompanyGet / CustomerUserDataGet hash that are not map params.
my %NotWritable = map { $_ => 1 } qw(
    Source Config CompanyConfig CreateTime CreateBy ChangeTime ChangeBy UserPassword
);

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

The IDs this sync set invalid are kept in a small JSON state file per kind,
C<E<lt>OTRS HomeE<gt>/var/salesforce-sync/companies.json> and C<customers.json>
(written with L<Kernel::System::Main/FileWrite()>), so that records which come
back to Salesforce are made valid again, while records an agent set invalid by
hand stay invalid (unless C<SalesForceModule::RevalidateManual> is on). The file
also holds a summary of the last run. Deleting it only means that records the
sync invalidated earlier are treated like hand-invalidated ones.

Two syncs never run at once: L</LockAcquire()> takes an exclusive C<flock> on
C<E<lt>OTRS HomeE<gt>/var/tmp/SalesForceSync.lock> (closing the window between
check and create) and then registers the run with
L<Kernel::System::PID> as C<SalesForceSync>, as OTRS commands do, so a run on
another host that shares the database is seen too.

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

    my $Report = $SyncObject->Sync(
        Kind       => 'companies',           # or 'customers'
        DryRun     => 0,                     # optional: plan only, write nothing
        Force      => 0,                     # optional: allow a cleanup above the share limit
        Limit      => 100,                   # optional: overrides ::Limit
        DeleteOld  => '00*',                 # optional: overrides ::DeleteOld
        ValidData  => 1,                     # optional: overrides ::ValidData
        SalesForce => { SF_AUTHUSER => .. }, # optional: constructor overrides of Kernel::System::SalesForce
        UserID     => 1,                     # optional, default 1
        Progress   => sub { my %P = @_; },   # optional: called with Stage, Done, Total, Seconds
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
        api_calls => 3,        # Salesforce API calls of this run
        usage     => { api_calls => 3, logins => 1, retries => 0, limit_info => { current => .., limit => .. } },
        fetch     => { records => 14, pages => 1, api_calls => 2, complete => 1 },
        plan      => { create => 3, update => 1, ... },    # the planner's counts
        notes     => [ '...' ],                            # things the admin should know
        otrs_records => 12,    # companies or customer users OTRS had before the run
        seconds   => 1.2,
        soql      => 'SELECT ...',
        actions   => [ ...the plan's actions... ],   # dry run only
        error     => { name => 'AUTH', message => '...', ... },   # unreadable only
    }

=cut

sub Sync {
    my ( $Self, %Param ) = @_;

    my $Start  = Time::HiRes::time();
    my $Kind   = $Param{Kind} // '';
    my $Report = {
        kind    => $Kind,
        dry_run => $Param{DryRun} ? 1 : 0,
        counts  => {
            map { $_ => 0 }
                qw(created updated unchanged invalidated deleted skipped failed memberships_added memberships_removed)
        },
        skipped => [],
        failed  => [],
    };
    my $Finish = sub {
        my (%Result) = @_;
        $Report->{$_} = $Result{$_} for sort keys %Result;
        $Report->{seconds} = sprintf( '%.1f', Time::HiRes::time() - $Start ) + 0;
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

    $Progress->( Stage => 'plan' );
    my $Plan = $Self->Plan(
        Kind       => $Kind,
        Settings   => $Settings,
        State      => $State,
        SalesForce => $Param{SalesForce},
    );
    if ( !$Plan ) {
        my $Error = $Self->{LastError} || { message => 'unknown error' };
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

    $Report->{soql}                = $Plan->{soql};
    $Report->{fetch}               = $Plan->{fetch} || {};
    $Report->{usage}               = $Plan->{usage} || {};
    $Report->{api_calls}           = $Report->{usage}->{api_calls} // $Report->{fetch}->{api_calls};
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

=head2 Settings()

Builds the planner settings (ARCHITECTURE.md, planner input) from SysConfig,
with the given overrides (console options) taking precedence.

    my $Settings = $SyncObject->Settings(
        Kind      => 'customers',
        Limit     => 10,        # optional
        DeleteOld => '',        # optional, '' turns cleanup off
        ValidData => 0,         # optional
        Force     => 1,         # optional
    );

Returns a hash reference.

=cut

sub Settings {
    my ( $Self, %Param ) = @_;

    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    my $Kind         = $Param{Kind} eq 'customers' ? 'Customers' : 'Companies';
    my $Get          = sub { return $ConfigObject->Get( 'SalesForceModule::' . shift ) };

    my %Attributes;
    my $Configured = $Get->("$Kind\::AddAttributesToParams");
    if ( ref $Configured eq 'HASH' ) {
        PARAM:
        for my $Param ( sort keys %{$Configured} ) {
            my $Field = $Configured->{$Param};
            next PARAM if !defined $Field || $Field !~ m{\S}smx;
            $Field =~ s{^\s+|\s+$}{}smxg;
            $Attributes{$Param} = $Field;
        }
    }

    my $Limit     = $Param{Limit} // $Get->("$Kind\::Limit");
    my $Where     = $Get->("$Kind\::Where");
    my $DeleteOld = $Param{DeleteOld} // $Get->("$Kind\::DeleteOld") // '';
    my $ValidData = $Param{ValidData} // $Get->('ValidData');
    my $MaxShare  = $Get->('Cleanup::MaxSharePercent');
    $MaxShare = 10 if !defined $MaxShare || $MaxShare !~ m{\A \d+ (?:\.\d+)? \z}smx;

    my %Settings = (
        attributes        => \%Attributes,
        where             => ( defined $Where && $Where =~ m{\S}smx )        ? $Where     : undef,
        limit             => ( $Limit         && $Limit =~ m{\A \d+ \z}smx ) ? int $Limit : undef,
        valid_data        => $ValidData ? \1 : \0,
        delete_old        => $DeleteOld,
        cleanup_action    => ( ( $Get->('Cleanup::Action') // '' ) eq 'delete' ? 'delete' : 'invalidate' ),
        cleanup_max_share => $MaxShare / 100,
        force             => $Param{Force}              ? \1 : \0,
        revalidate_manual => $Get->('RevalidateManual') ? \1 : \0,
    );
    if ( $Kind eq 'Companies' ) {
        my $NameFormat = $Get->('Companies::NameFormat');
        $Settings{name_format} = $NameFormat if defined $NameFormat && $NameFormat =~ m{\S}smx;
    }
    else {
        $Settings{mode}        = ( $Get->('Customers::Mode')       // '' ) eq 'Contact' ? 'Contact' : 'AccountOwner';
        $Settings{login_field} = ( $Get->('Customers::LoginField') // '' ) eq 'Email'   ? 'Email'   : 'Id';
        my $Default = $Get->('Customers::DefaultCustomerID');
        $Settings{default_customer_id} = ( defined $Default && length $Default ) ? "$Default" : '1';
    }
    return \%Settings;
}

=head2 OTRSState()

Reads what the planner needs to know about OTRS: all companies, or all customer
users with their company memberships, the IDs still referenced elsewhere, and the
IDs this sync invalidated earlier. One query per table, never one per record.

    my $State = $SyncObject->OTRSState(
        Kind     => 'companies',
        Settings => $Settings,     # optional, from Settings()
    );

Returns the C<otrs> part of the planner input, or undef (logged) on a DB error.

=cut

sub OTRSState {
    my ( $Self, %Param ) = @_;

    my $Kind     = $Param{Kind};
    my $Settings = $Param{Settings} || {};
    my %State    = (
        companies        => [],
        users            => [],
        referenced       => [],
        sync_invalidated => $Self->_StateLoad( Kind => $Kind )->{sync_invalidated} || [],
    );

    my $WantTickets = ( $Settings->{cleanup_action} // '' ) eq 'delete' && length( $Settings->{delete_old} // '' );

    if ( $Kind eq 'companies' ) {
        return if !$Self->_BackendSupported('CustomerCompany');
        my ( $Table, $Map ) = $Self->_BackendMap('CustomerCompany');
        my $Rows = $Self->_Select(
            Table => $Table,
            Map   => $Map,
        );
        return if !$Rows;
        $State{companies} = $Rows;

        my %Referenced;
        for my $Query (
            'SELECT DISTINCT customer_id FROM customer_user',
            'SELECT DISTINCT customer_id FROM customer_user_customer',
            ( $WantTickets ? 'SELECT DISTINCT customer_id FROM ticket' : () ),
            )
        {
            my $IDs = $Self->_Column( SQL => $Query );
            return if !$IDs;
            $Referenced{$_} = 1 for grep { defined && length } @{$IDs};
        }
        $State{referenced} = [ sort keys %Referenced ];
        return \%State;
    }

    return if !$Self->_BackendSupported('CustomerUser');
    my ( $Table, $Map ) = $Self->_BackendMap('CustomerUser');
    my $Rows = $Self->_Select(
        Table => $Table,
        Map   => [ grep { $_->[0] ne 'UserPassword' } @{$Map} ],
    );
    return if !$Rows;

    my $Relations = $Self->_Rows( SQL => 'SELECT user_id, customer_id FROM customer_user_customer' );
    return if !$Relations;
    my %Memberships;
    for my $Relation ( @{$Relations} ) {
        push @{ $Memberships{ lc( $Relation->[0] // '' ) } }, $Relation->[1];
    }
    for my $User ( @{$Rows} ) {
        $User->{CustomerIDs} = [ sort @{ $Memberships{ lc( $User->{UserLogin} // '' ) } || [] } ];
    }
    $State{users} = $Rows;

    if ($WantTickets) {
        my $Logins = $Self->_Column( SQL => 'SELECT DISTINCT customer_user_id FROM ticket' );
        return if !$Logins;
        $State{referenced} = [ sort grep { defined && length } @{$Logins} ];
    }
    return \%State;
}

=head2 Plan()

Asks the planner for a plan: calls C<sync_plan> on L<Kernel::System::SalesForce>,
which logs in, fetches every page and plans. A failed login or fetch gives undef,
never a partial plan; C<LastError()> then says why.

    my $Plan = $SyncObject->Plan(
        Kind       => 'companies',
        Settings   => $Settings,
        State      => $State,
        SalesForce => { SF_AUTHUSER => '...' },    # optional constructor overrides
    );

Returns the plan (ARCHITECTURE.md, "Plan (output)") or undef.

=cut

sub Plan {
    my ( $Self, %Param ) = @_;

    $Self->{LastError} = undef;
    my $SalesForceObject = $Self->_SalesForceObject( %{ $Param{SalesForce} || {} } );
    if ( !$SalesForceObject ) {
        $Self->{LastError} = {
            name    => 'CONFIG',
            message => 'Kernel::System::SalesForce could not be created.'
        };
        return;
    }

    # The client's counters are per object (cumulative); the run's own use is the difference.
    my $UsageBefore = $SalesForceObject->Call(
        Method => 'usage',
        Args   => {},
    );

    my $Plan = $SalesForceObject->Call(
        Method => 'sync_plan',
        Args   => {
            kind     => $Param{Kind},
            settings => $Param{Settings},
            otrs     => $Param{State},
        },
    );
    if ( ref $Plan ne 'HASH' || ref $Plan->{actions} ne 'ARRAY' ) {
        my @Details = $SalesForceObject->can('GetErrorDetails') ? $SalesForceObject->GetErrorDetails() : ();
        my $Error = @Details == 1 ? $Details[0] : @Details % 2 == 0 && @Details ? {@Details} : undef;
        if ( ref $Error ne 'HASH' ) {
            $Error = {
                message => $Plan
                ? 'the planner answered without an action list'
                : $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
                    Type => 'error',
                    What => 'Message'
                    )
                    || 'unknown error',
            };
        }

        # Kernel::System::SalesForce reports CamelCase keys; the report uses the
        # names of the library's error (ARCHITECTURE.md, "Errors").
        my %Names = (
            Name       => 'name',
            Message    => 'message',
            SFCode     => 'sf_code',
            HTTPStatus => 'http_status',
            Context    => 'context',
            Code       => 'code',
            Function   => 'function',
        );
        my %Normalised;
        KEY:
        for my $Key ( sort keys %{$Error} ) {
            next KEY if ref $Error->{$Key};
            $Normalised{ $Names{$Key} // $Key } = $Error->{$Key};
        }
        $Normalised{message} //= 'unknown error';
        $Self->{LastError} = \%Normalised;
        return;
    }
    my $UsageAfter = $SalesForceObject->Call(
        Method => 'usage',
        Args   => {},
    );
    if ( ref $UsageBefore eq 'HASH' && ref $UsageAfter eq 'HASH' ) {
        $Plan->{usage} = {
            map { $_ => ( $UsageAfter->{$_} // 0 ) - ( $UsageBefore->{$_} // 0 ) } qw(api_calls logins retries)
        };
        $Plan->{usage}->{limit_info} = $UsageAfter->{limit_info};
    }
    return $Plan;
}

=head2 LastError()

The error of the last failed L</Plan()> (a hash reference with C<name>,
C<message>, C<sf_code>, C<http_status>, C<context>), or undef.

    my $Error = $SyncObject->LastError();

=cut

sub LastError {
    my ( $Self, %Param ) = @_;

    return $Self->{LastError};
}

=head2 Apply()

Applies the actions of a plan through the OTRS API and records the outcome in
the report (see L</Sync()>). Failures of single records are collected with the
OTRS log message and do not stop the run.

    $SyncObject->Apply(
        Kind     => 'customers',
        Plan     => $Plan,
        Report   => $Report,
        UserID   => 1,
        Progress => sub { ... },    # optional
    );

Returns 1.

=cut

sub Apply {
    my ( $Self, %Param ) = @_;

    my $Kind     = $Param{Kind};
    my $Report   = $Param{Report};
    my $Progress = $Param{Progress} || sub { };
    my @Actions  = @{ $Param{Plan}->{actions} || [] };
    my $Total    = scalar @Actions;

    $Self->{Applied} = {
        invalidated => [],
        revalidated => [],
        deleted     => [],
    };

    my $Started      = Time::HiRes::time();
    my $LastProgress = $Started;
    my $Done         = 0;

    ACTION:
    for my $Action (@Actions) {
        my $Type = $Action->{action} // '';
        if ( $Kind eq 'companies' ) {
            $Self->_CompanyAction(
                Action => $Action,
                Report => $Report,
                UserID => $Param{UserID},
            );
        }
        else {
            $Self->_UserAction(
                Action => $Action,
                Report => $Report,
                UserID => $Param{UserID},
            );
        }
        $Done++;

        # Flush queued transactional events now and then, so a long run does not
        # keep every event's data in memory.
        if ( $Done % 500 == 0 && $Kernel::OM->can('ObjectEventsHandle') ) {
            $Kernel::OM->ObjectEventsHandle();
        }

        my $Now = Time::HiRes::time();
        if ( $Done == $Total || $Done % 100 == 0 || $Now - $LastProgress >= 5 ) {
            $LastProgress = $Now;
            $Progress->(
                Stage   => 'apply',
                Done    => $Done,
                Total   => $Total,
                Seconds => $Now - $Started,
            );
        }
    }
    return 1;
}

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

=head2 OTRSTime()

Converts a Salesforce timestamp (C<2024-01-02T03:04:05.000+0000>,
C<...Z>) to the OTRS form C<2024-01-02 03:04:05> (UTC), which
Kernel::System::DateTime and the DB accept. Other values are returned unchanged.

    my $Value = $SyncObject->OTRSTime('2024-01-02T03:04:05.000+0000');

Returns the converted value.

=cut

sub OTRSTime {
    my ( $Self, $Value ) = @_;

    return $Value if !defined $Value || ref $Value;
    if ( $Value =~ m{\A (\d{4}-\d{2}-\d{2}) T (\d{2}:\d{2}:\d{2}) (?:\.\d+)? (?: Z | [+-]00:?00 ) \z}smx ) {
        return "$1 $2";
    }
    return $Value;
}

=begin Internal:

=cut

sub _CompanyAction {
    my ( $Self, %Param ) = @_;

    my $Action                = $Param{Action};
    my $Report                = $Param{Report};
    my $CustomerCompanyObject = $Kernel::OM->Get('Kernel::System::CustomerCompany');
    my $Type                  = $Action->{action} // '';
    my $ID                    = $Action->{id};

    if ( $Type eq 'create' ) {
        my %Values = $Self->_Values( $Action->{values} );
        $Values{CustomerID} //= $ID;
        my $Success = $CustomerCompanyObject->CustomerCompanyAdd(
            %Values,
            UserID => $Param{UserID},
        );
        return $Self->_Failed( $Report, $Action, 'CustomerCompanyAdd' ) if !$Success;
        $Report->{counts}->{created}++;
        return 1;
    }

    if ( $Type eq 'update' || $Type eq 'invalidate' ) {
        my %Old = $CustomerCompanyObject->CustomerCompanyGet( CustomerID => $ID );
        if ( !%Old ) {
            return $Self->_Failed( $Report, $Action, 'CustomerCompanyGet', "company '$ID' no longer exists in OTRS" );
        }
        my %Changes = $Type eq 'invalidate' ? ( ValidID => 2 ) : $Self->_Values( $Action->{changes} );
        my %New     = $Self->_Merge( \%Old, \%Changes );
        my $Success = $CustomerCompanyObject->CustomerCompanyUpdate(
            %New,
            CustomerCompanyID => $Old{CustomerID},
            CustomerID        => $New{CustomerID} // $Old{CustomerID},
            UserID            => $Param{UserID},
        );
        return $Self->_Failed( $Report, $Action, 'CustomerCompanyUpdate' ) if !$Success;
        $Self->_Track( $Type, $ID, \%Old, \%New );
        $Report->{counts}->{ $Type eq 'invalidate' ? 'invalidated' : 'updated' }++;
        return 1;
    }

    if ( $Type eq 'delete' ) {
        return if $Self->_SkipUsedByTickets(
            Report => $Report,
            ID     => $ID,
            Search => { CustomerIDRaw => $ID },
        );
        my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
        return $Self->_Failed( $Report, $Action, 'DELETE customer_company' ) if !$DBObject->Do(
            SQL  => 'DELETE FROM customer_company WHERE customer_id = ?',
            Bind => [ \$ID ],
        );

        # OTRS has no API to delete a company: clear what the API would have cleared.
        my $CacheObject = $Kernel::OM->Get('Kernel::System::Cache');
        for my $CacheType (qw(CustomerCompany CustomerCompany_CustomerCompanyList)) {
            $CacheObject->CleanUp( Type => $CacheType );
        }
        push @{ $Self->{Applied}->{deleted} }, $ID;
        $Report->{counts}->{deleted}++;
        return 1;
    }

    return $Self->_Failed( $Report, $Action, 'plan', "unknown action '$Type'" );
}

sub _UserAction {
    my ( $Self, %Param ) = @_;

    my $Action             = $Param{Action};
    my $Report             = $Param{Report};
    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $Type               = $Action->{action} // '';
    my $ID                 = $Action->{id};

    if ( $Type eq 'create' ) {
        my %Values = $Self->_Values( $Action->{values} );
        $Values{UserLogin} //= $Action->{login} // $ID;
        my $Login = $CustomerUserObject->CustomerUserAdd(
            Source => 'CustomerUser',
            %Values,
            UserID => $Param{UserID},
        );
        return $Self->_Failed( $Report, $Action, 'CustomerUserAdd' ) if !$Login;
        $Report->{counts}->{created}++;
        $Self->_Memberships(
            Login  => $Login,
            Action => $Action,
            Report => $Report,
            UserID => $Param{UserID},
        );
        return 1;
    }

    if ( $Type eq 'update' || $Type eq 'invalidate' ) {
        my $Login = $Action->{login} // $ID;
        my %Old   = $CustomerUserObject->CustomerUserDataGet( User => $Login );
        if ( !%Old ) {
            return $Self->_Failed( $Report, $Action, 'CustomerUserDataGet', "customer user '$Login' no longer exists" );
        }
        my %Changes = $Type eq 'invalidate' ? ( ValidID => 2 ) : $Self->_Values( $Action->{changes} );

        # Only the backend's map params go back; the company fields and
        # preferences that DataGet adds are not the user's.
        my %MapParams = map { $_->[0] => 1 } @{ ( $Self->_BackendMap('CustomerUser') )[1] };
        my %OldUser   = map { $_ => $Old{$_} } grep { $MapParams{$_} } keys %Old;
        my %New       = $Self->_Merge( \%OldUser, \%Changes );

        if ( %Changes || $Type eq 'invalidate' ) {
            my $Success = $CustomerUserObject->CustomerUserUpdate(
                %New,
                Source    => $Old{Source} || 'CustomerUser',
                ID        => $Old{UserLogin},
                UserLogin => $New{UserLogin} // $Old{UserLogin},
                UserID    => $Param{UserID},
            );
            return $Self->_Failed( $Report, $Action, 'CustomerUserUpdate' ) if !$Success;
            $Self->_Track( $Type, $ID, \%OldUser, \%New );

            # A login rename does not move the relation rows: move them.
            if ( defined $New{UserLogin} && $New{UserLogin} ne $Old{UserLogin} ) {
                $Self->_MembershipsMove(
                    From   => $Old{UserLogin},
                    To     => $New{UserLogin},
                    Report => $Report,
                    Action => $Action,
                    UserID => $Param{UserID},
                );
            }
            $Report->{counts}->{ $Type eq 'invalidate' ? 'invalidated' : 'updated' }++;
        }
        elsif ( @{ $Action->{memberships_add} || [] } || @{ $Action->{memberships_remove} || [] } ) {
            $Report->{counts}->{updated}++;
        }
        $Self->_Memberships(
            Login  => $New{UserLogin} // $Old{UserLogin},
            Action => $Action,
            Report => $Report,
            UserID => $Param{UserID},
        );
        return 1;
    }

    if ( $Type eq 'delete' ) {
        my $Login = $Action->{login} // $ID;
        return if $Self->_SkipUsedByTickets(
            Report => $Report,
            ID     => $ID,
            Search => { CustomerUserLoginRaw => $Login },
        );
        my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
        for my $SQL (
            'DELETE FROM customer_user_customer WHERE user_id = ?',
            'DELETE FROM customer_preferences WHERE user_id = ?',
            'DELETE FROM customer_user WHERE login = ?',
            )
        {
            if ( !$DBObject->Do( SQL => $SQL, Bind => [ \$Login ] ) ) {
                return $Self->_Failed( $Report, $Action, 'DELETE customer_user' );
            }
        }

        # OTRS has no API to delete a customer user: clear what the API would have cleared.
        $CustomerUserObject->CustomerUserCacheClear( UserLogin => $Login );
        my $CacheObject = $Kernel::OM->Get('Kernel::System::Cache');
        for my $CacheType (
            qw(CustomerUser_CustomerSearch CustomerUser_CustomerIDList CustomerUser_CustomerSearchDetail CustomerUser)
            )
        {
            $CacheObject->CleanUp( Type => $CacheType );
        }
        push @{ $Self->{Applied}->{deleted} }, $ID;
        $Report->{counts}->{deleted}++;
        return 1;
    }

    return $Self->_Failed( $Report, $Action, 'plan', "unknown action '$Type'" );
}

sub _Memberships {
    my ( $Self, %Param ) = @_;

    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my $Action             = $Param{Action};
    ADD:
    for my $CustomerID ( @{ $Action->{memberships_add} || [] } ) {
        my $Success = $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{Login},
            CustomerID     => $CustomerID,
            Active         => 1,
            UserID         => $Param{UserID},
        );
        if ( !$Success ) {
            $Self->_Failed( $Param{Report}, $Action, "CustomerUserCustomerMemberAdd($CustomerID)" );
            next ADD;
        }
        $Param{Report}->{counts}->{memberships_added}++;
    }
    REMOVE:
    for my $CustomerID ( @{ $Action->{memberships_remove} || [] } ) {

        # Without Active the call removes the relation.
        my $Success = $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{Login},
            CustomerID     => $CustomerID,
            UserID         => $Param{UserID},
        );
        if ( !$Success ) {
            $Self->_Failed( $Param{Report}, $Action, "CustomerUserCustomerMemberAdd($CustomerID, remove)" );
            next REMOVE;
        }
        $Param{Report}->{counts}->{memberships_removed}++;
    }
    return 1;
}

sub _MembershipsMove {
    my ( $Self, %Param ) = @_;

    my $CustomerUserObject = $Kernel::OM->Get('Kernel::System::CustomerUser');
    my @CustomerIDs        = $CustomerUserObject->CustomerUserCustomerMemberList( CustomerUserID => $Param{From} );
    MEMBERSHIP:
    for my $CustomerID (@CustomerIDs) {
        my $Added = $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{To},
            CustomerID     => $CustomerID,
            Active         => 1,
            UserID         => $Param{UserID},
        );
        if ( !$Added ) {
            $Self->_Failed( $Param{Report}, $Param{Action}, "moving membership $CustomerID to the new login" );
            next MEMBERSHIP;
        }
        $CustomerUserObject->CustomerUserCustomerMemberAdd(
            CustomerUserID => $Param{From},
            CustomerID     => $CustomerID,
            UserID         => $Param{UserID},
        );
    }
    return 1;
}

# Merges plan changes into a Get hash. ValidID 3 (invalid-temporarily, e.g. set
# after failed logins) is never reset, whatever the plan says.
sub _Merge {
    my ( $Self, $Old, $Changes ) = @_;

    my %New = map { $_ => $Old->{$_} } grep { !$NotWritable{$_} && !ref $Old->{$_} } keys %{$Old};
    CHANGE:
    for my $Key ( sort keys %{$Changes} ) {
        next CHANGE if $Key eq 'ValidID' && ( $Old->{ValidID} // 0 ) == 3;
        $New{$Key} = $Changes->{$Key};
    }
    return %New;
}

# Plan values as OTRS takes them: JSON booleans as 1/0, and any Salesforce
# timestamp in the OTRS form (the planner already gives its datetimes in that
# form; a plan value in the Salesforce form is still converted).
sub _Values {
    my ( $Self, $Values ) = @_;

    my %Values;
    VALUE:
    for my $Key ( sort keys %{ $Values || {} } ) {
        my $Value = $Values->{$Key};
        if ( ref $Value eq 'JSON::PP::Boolean' || ref $Value eq 'SCALAR' ) {
            $Value = ${$Value} ? 1 : 0;
        }
        elsif ( ref $Value ) {
            next VALUE;
        }
        $Values{$Key} = $Self->OTRSTime($Value);
    }
    return %Values;
}

# A record that tickets still use is not deleted: it goes to the report's skipped
# list. Returns the number of those tickets (0: the record may be deleted).
sub _SkipUsedByTickets {
    my ( $Self, %Param ) = @_;

    my $Tickets = $Kernel::OM->Get('Kernel::System::Ticket')->TicketSearch(
        %{ $Param{Search} },
        Result       => 'COUNT',
        ArchiveFlags => [ 'y', 'n' ],
        UserID       => 1,
    ) || 0;
    return 0 if !$Tickets;

    push @{ $Param{Report}->{skipped} }, {
        id     => $Param{ID},
        reason => "not deleted: still used by $Tickets ticket(s)",
    };
    return $Tickets;
}

# Remembers which records this run set invalid or valid again.
sub _Track {
    my ( $Self, $Type, $ID, $Old, $New ) = @_;

    if ( $Type eq 'invalidate' ) {
        push @{ $Self->{Applied}->{invalidated} }, $ID;
    }
    elsif ( ( $Old->{ValidID} // 0 ) != 1 && ( $New->{ValidID} // 0 ) == 1 ) {
        push @{ $Self->{Applied}->{revalidated} }, $ID;
    }
    return 1;
}

sub _Failed {
    my ( $Self, $Report, $Action, $Call, $Reason ) = @_;

    if ( !defined $Reason ) {
        $Reason = $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry(
            Type => 'error',
            What => 'Message',
        ) || 'no reason logged';
    }
    push @{ $Report->{failed} }, {
        id     => $Action->{id},
        action => $Action->{action},
        reason => "$Call failed: $Reason",
    };
    return;
}

sub _SalesForceObject {
    my ( $Self, %Overrides ) = @_;

    my %Defined = map { $_ => $Overrides{$_} } grep { defined $Overrides{$_} } keys %Overrides;
    return $Kernel::OM->Get('Kernel::System::SalesForce') if !%Defined;

    # A private instance: the overrides must not leak into the shared object.
    return $Kernel::OM->Create(
        'Kernel::System::SalesForce',
        ObjectParams => \%Defined,
    );
}

# ( table, [ [ param, column ], ... ] ) of the default backend, from its map.
sub _BackendMap {
    my ( $Self, $Backend ) = @_;

    my $Config  = $Kernel::OM->Get('Kernel::Config')->Get($Backend);
    my $Default = $Backend eq 'CustomerCompany' ? \@DefaultCompanyMap : \@DefaultUserMap;
    my $Table   = $Backend eq 'CustomerCompany' ? 'customer_company'  : 'customer_user';
    if ( ref $Config eq 'HASH' && ref $Config->{Map} eq 'ARRAY' ) {
        my @Map = map { [ $_->[0], $_->[2] ] }
            grep { ref $_ eq 'ARRAY' && ( $_->[5] // '' ) ne 'dynamic_field' && $_->[2] } @{ $Config->{Map} };
        $Table = $Config->{Params}->{Table} if ref $Config->{Params} eq 'HASH' && $Config->{Params}->{Table};
        return ( $Table, \@Map )            if @Map;
    }
    return ( $Table, $Default );
}

# The state is read with SQL from the OTRS database, so the default backend must
# be the DB module on that database (not LDAP, not a foreign DSN).
sub _BackendSupported {
    my ( $Self, $Backend ) = @_;

    my $Config = $Kernel::OM->Get('Kernel::Config')->Get($Backend);
    return 1 if ref $Config ne 'HASH';
    my $Module = $Config->{Module} // "Kernel::System::${Backend}::DB";
    my $Params = ref $Config->{Params} eq 'HASH' ? $Config->{Params} : {};
    my $Problem;
    if ( $Module ne "Kernel::System::${Backend}::DB" ) {
        $Problem = "its module is $Module";
    }
    elsif ( $Params->{DSN} ) {
        $Problem = 'it uses a separate database (Params DSN)';
    }
    return 1 if !$Problem;

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Message  => "SalesForce sync: the $Backend backend is not supported because $Problem; the sync needs the "
            . "default $Backend backend to be Kernel::System::${Backend}::DB on the OTRS database.",
    );
    return;
}

sub _Select {
    my ( $Self, %Param ) = @_;

    my @Map  = grep { $_->[1] =~ m{\A \w+ \z}smx } @{ $Param{Map} };
    my $Rows = $Self->_Rows( SQL => 'SELECT ' . join( ', ', map { $_->[1] } @Map ) . " FROM $Param{Table}" );
    return if !$Rows;

    my @Records;
    for my $Row ( @{$Rows} ) {
        my %Record;
        for my $Index ( 0 .. $#Map ) {
            $Record{ $Map[$Index]->[0] } = $Row->[$Index];
        }
        $Record{ValidID} += 0 if defined $Record{ValidID};
        push @Records, \%Record;
    }
    return \@Records;
}

sub _Rows {
    my ( $Self, %Param ) = @_;

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Prepare( SQL => $Param{SQL} );

    # Fetch everything first: any API call would replace the open cursor.
    my @Rows;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        push @Rows, [@Row];
    }
    return \@Rows;
}

sub _Column {
    my ( $Self, %Param ) = @_;

    my $Rows = $Self->_Rows(%Param);
    return if !$Rows;
    return [ map { $_->[0] } @{$Rows} ];
}

sub _StateFile {
    my ( $Self, %Param ) = @_;

    my $Home = $Kernel::OM->Get('Kernel::Config')->Get('Home');
    return ( "$Home/var/salesforce-sync", "$Home/var/salesforce-sync/$Param{Kind}.json" );
}

sub _StateLoad {
    my ( $Self, %Param ) = @_;

    my ( $Directory, $File ) = $Self->_StateFile(%Param);
    return {} if !-e $File;
    my $Content = $Kernel::OM->Get('Kernel::System::Main')->FileRead(
        Location => $File,
        Mode     => 'utf8',
    );
    return {} if !$Content;
    my $Data = $Kernel::OM->Get('Kernel::System::JSON')->Decode( Data => ${$Content} );
    if ( ref $Data ne 'HASH' ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'notice',
            Message  => "SalesForce sync: ignoring unreadable state file $File.",
        );
        return {};
    }
    $Data->{sync_invalidated} = [] if ref $Data->{sync_invalidated} ne 'ARRAY';
    return $Data;
}

sub _StateSave {
    my ( $Self, %Param ) = @_;

    my $State       = $Self->_StateLoad(%Param);
    my $Applied     = $Self->{Applied} || {};
    my %Invalidated = map { $_ => 1 } @{ $State->{sync_invalidated} };

    # Only invalidations that OTRS accepted are remembered; the planner's
    # "remove" list drops entries that are gone or valid again.
    $Invalidated{$_} = 1 for @{ $Applied->{invalidated} || [] };
    my $FromPlan = $Self->{PlanInvalidated} || {};
    my %Failed   = map { lc( $_->{id} // '' ) => 1 } @{ $Param{Report}->{failed} || [] };
    delete $Invalidated{$_}
        for @{ $Applied->{revalidated} || [] }, @{ $Applied->{deleted} || [] },
        grep { !$Failed{ lc $_ } } @{ $FromPlan->{remove} || [] };

    my $Report = $Param{Report};
    my %Data   = (
        sync_invalidated => [ sort keys %Invalidated ],
        last_run         => {
            finished => time(),
            status   => $Param{Status},
            counts   => $Report->{counts},
            failed   => scalar @{ $Report->{failed} || [] },
        },
    );
    my ( $Directory, $File ) = $Self->_StateFile(%Param);
    File::Path::make_path($Directory) if !-d $Directory;
    my $JSON = $Kernel::OM->Get('Kernel::System::JSON')->Encode(
        Data     => \%Data,
        SortKeys => 1,
        Pretty   => 1,
    );

    # Write a new file and rename it over the old one, so a crash never leaves half a file.
    my $Written = $Kernel::OM->Get('Kernel::System::Main')->FileWrite(
        Location => "$File.new",
        Content  => \$JSON,
        Mode     => 'utf8',
    );
    return if !$Written;
    if ( !rename "$File.new", $File ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "SalesForce sync: could not replace the state file $File: $!",
        );
        return;
    }
    return 1;
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
