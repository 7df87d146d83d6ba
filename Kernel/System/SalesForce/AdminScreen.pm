# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::AdminScreen;

use strict;
use warnings;

use File::Path();
use Time::HiRes();

# AsyncCall(): the previews and syncs started from the screen run as tasks of the OTRS daemon.
use parent qw(Kernel::System::AsynchronousExecutor);

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::Cache',
    'Kernel::System::CronEvent',
    'Kernel::System::DateTime',
    'Kernel::System::JSON',
    'Kernel::System::Log',
    'Kernel::System::Main',
    'Kernel::System::SalesForce',
    'Kernel::System::SalesForce::RunHistory',
    'Kernel::System::SalesForce::Sync',
);

=head1 NAME

Kernel::System::SalesForce::AdminScreen - what the admin screen Admin -> Salesforce shows and starts

=head1 DESCRIPTION

The logic behind the frontend module C<AdminSalesForce>, kept apart from the web
request so it can be tested without a web server: the connection test, the
previews and syncs started from the screen as OTRS daemon tasks (with their
progress), the pages of a preview, and the schedule of the cron tasks.

A request started from the screen (a preview or a real sync) has an ID and a
directory F<var/salesforce-sync/screen/E<lt>IDE<gt>/> with its state
(C<request.json>) and, for a preview, the plan as one JSON line per row
(C<preview.jsonl>), so a page of a plan of 100,000 rows is read without the
others. Requests older than a day are removed when a new one starts. The run
itself is recorded in the run history like every other run (trigger C<screen>).

=head1 PUBLIC INTERFACE

=head2 new()

Don't use the constructor directly, use the ObjectManager instead:

    my $AdminScreenObject = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen');

=cut

# A request ID: start time, process and a random part (also a safe directory name).
my $RequestIDPattern = qr{\A [0-9]{10} - [0-9]+ - [0-9a-f]{8} \z}xms;

# The rows of a preview, in the order of the plan, and the actions a filter may name.
my @PreviewActions = qw(create update invalidate delete skip);

# Requests are kept this long (seconds).
my $RequestKeepSeconds = 24 * 60 * 60;

# The cron tasks of the package.
my @CronTasks = (
    [ companies => 'SalesForceSyncCompanies' ],
    [ customers => 'SalesForceSyncCustomers' ],
);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {};
    bless( $Self, $Type );

    return $Self;
}

=head2 ConnectionTest()

Signs in to Salesforce with the settings in force and says who and where we are,
or what is wrong and which settings to look at.

    my $Result = $AdminScreenObject->ConnectionTest();

Returns:

    {
        Success  => 1,
        Seconds  => 0.8,
        Info     => { ...as Kernel::System::SalesForce::TestConnection() returns it... },
    }
    # or
    {
        Success  => 0,
        Seconds  => 0.3,
        Error    => { Name => 'AUTH', Message => '...', Hint => '...' },
        Settings => [ 'SalesForceModule::AuthPassword', ... ],   # the settings to check
    }

=cut

sub ConnectionTest {
    my ( $Self, %Param ) = @_;

    my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
    my $Start            = Time::HiRes::time();
    my $Info             = $SalesForceObject->TestConnection();
    my $Seconds          = sprintf( '%.2f', Time::HiRes::time() - $Start ) + 0;

    if ($Info) {
        return {
            Success => 1,
            Seconds => $Seconds,
            Info    => $Info,
        };
    }

    my $Error   = $SalesForceObject->GetErrorDetails() || {};
    my $Message = $Error->{Message} // 'unknown error';
    my $Name    = $Error->{Name}    // 'ERROR';

    # The settings the message names, else those of the kind of error.
    my %Seen;
    my @Settings = grep { !$Seen{$_}++ } $Message =~ m{ \b ( SalesForceModule (?: :: \w+ )* ) }xmsg;
    if ( !@Settings ) {
        my %SettingsOf = (
            AUTH => [
                map {"SalesForceModule::$_"}
                    qw(AuthFlow AuthUser AuthPassword AuthSecToken OAuth::ClientID OAuth::ClientSecret)
            ],
            CONFIG    => [ 'SalesForceModule', 'SalesForceModule::AuthFlow' ],
            TRANSPORT => [ map {"SalesForceModule::$_"} qw(Proxy OAuth::LoginHost WebProxy CAFile ConnectTimeout) ],
            TIMEOUT   => [ map {"SalesForceModule::$_"} qw(Timeout ConnectTimeout WebProxy) ],
            TLS       => ['SalesForceModule::CAFile'],
        );
        @Settings = @{ $SettingsOf{$Name} || [] };
    }

    my %Hints = (
        AUTH => 'Salesforce refused the sign-in: check the user, the password and security token '
            . '(or the connected app) in the settings below.',
        CONFIG    => 'A setting is missing or wrong: see the message and the settings below.',
        TRANSPORT => 'Salesforce could not be reached: check the login address and the proxy settings, '
            . 'and that this server may connect to it.',
        TIMEOUT => 'Salesforce did not answer in time: check the network, the proxy and the timeout settings.',
        TLS     => 'The secure connection failed: check the certificate settings (CA file) and the login address.',
    );

    return {
        Success => 0,
        Seconds => $Seconds,
        Error   => {
            Name    => $Name,
            Message => $Message,
            Hint    => $Hints{$Name} // 'The connection test failed: see the message and the settings below.',
        },
        Settings => \@Settings,
    };
}

=head2 DaemonRunning()

Whether the OTRS daemon runs (it says so every few seconds in the cache, as the
daemon notification of the agent interface reads it).

    my $Running = $AdminScreenObject->DaemonRunning();

=cut

sub DaemonRunning {
    my ( $Self, %Param ) = @_;

    my $NodeID = $Kernel::OM->Get('Kernel::Config')->Get('NodeID') || 1;
    return $Kernel::OM->Get('Kernel::System::Cache')->Get(
        Type => 'DaemonRunning',
        Key  => $NodeID,
    ) ? 1 : 0;
}

=head2 RequestStart()

Starts a preview (a dry run) or a real sync as a task of the OTRS daemon. Starts
nothing when the daemon is not running.

    my ( $RequestID, $Message ) = $AdminScreenObject->RequestStart(
        Type   => 'preview',       # preview | sync
        Kind   => 'companies',     # companies | customers
        UserID => 1,
    );

Returns the request ID, or (undef, message for the admin).

=cut

sub RequestStart {
    my ( $Self, %Param ) = @_;

    my $Type = $Param{Type} // '';
    my $Kind = $Param{Kind} // '';
    return ( undef, 'Unknown request: choose a preview or a sync.' ) if $Type ne 'preview'   && $Type ne 'sync';
    return ( undef, 'Unknown kind: choose companies or customers.' ) if $Kind ne 'companies' && $Kind ne 'customers';
    if ( !$Self->DaemonRunning() ) {
        return (
            undef, 'The OTRS daemon is not running, so nothing was started. Start it as the OTRS user '
                . '(the Daemon.pl of the bin directory, with "start") and try again.'
        );
    }

    $Self->_RequestCleanup();

    my $RequestID = sprintf( '%010d-%d-%08x', time(), $$, int rand 0xffffffff );
    my $Saved     = $Self->_RequestSave(
        RequestID => $RequestID,
        Request   => {
            RequestID => $RequestID,
            Type      => $Type,
            Kind      => $Kind,
            State     => 'queued',
            Created   => $Self->_Now(),
            UserID    => $Param{UserID} || 1,
        },
    );
    return ( undef, 'The request could not be saved (see the OTRS log).' ) if !$Saved;

    my $Queued = $Self->AsyncCall(
        FunctionName   => 'RequestRun',
        FunctionParams => {
            RequestID => $RequestID,
            UserID    => $Param{UserID} || 1,
        },
        MaximumParallelInstances => 1,
    );
    if ( !$Queued ) {
        $Self->_RequestUpdate(
            RequestID => $RequestID,
            State     => 'failed',
            Message   => 'The daemon task could not be created (see the OTRS log).',
        );
        return ( undef, 'The daemon task could not be created (see the OTRS log).' );
    }

    return $RequestID;
}

=head2 RequestRun()

The daemon task of a request: runs the preview or the sync and keeps its progress
and result in the request. A real sync takes the lock of the console commands
first; when another sync holds it, the run is recorded as refused.

    $AdminScreenObject->RequestRun(
        RequestID => '1780000000-1234-0a1b2c3d',
        UserID    => 1,
    );

Returns 1 when the request ran (whatever its outcome), else undef.

=cut

sub RequestRun {
    my ( $Self, %Param ) = @_;

    my $Request = $Self->RequestGet( RequestID => $Param{RequestID} );
    return if !$Request || $Request->{State} ne 'queued';

    my $RequestID  = $Request->{RequestID};
    my $Kind       = $Request->{Kind};
    my $DryRun     = $Request->{Type} eq 'preview' ? 1 : 0;
    my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');

    $Self->_RequestUpdate(
        RequestID => $RequestID,
        State     => 'running',
        Stage     => 'start',
    );

    if ( !$DryRun ) {
        my ( $Locked, $Message ) = $SyncObject->LockAcquire( Wait => 0 );
        if ( !$Locked ) {
            my $RunID = $SyncObject->RecordRefused(
                Kind    => $Kind,
                Message => $Message,
                Trigger => 'screen',
                UserID  => $Param{UserID},
            );
            $Self->_RequestUpdate(
                RequestID => $RequestID,
                State     => 'done',
                Status    => 'locked',
                Message   => $Message,
                RunID     => $RunID,
            );
            return 1;
        }
    }

    # Progress is written when the stage changes, else at most once a second.
    my ( $Written, $Stage ) = ( 0, '' );
    my $Progress = sub {
        my (%Progress) = @_;
        my $Now = Time::HiRes::time();
        return if $Progress{Stage} eq $Stage && $Now - $Written < 1;
        ( $Written, $Stage ) = ( $Now, $Progress{Stage} );
        $Self->_RequestUpdate(
            RequestID => $RequestID,
            Stage     => $Progress{Stage},
            Done      => $Progress{Done},
            Total     => $Progress{Total},
        );
        return;
    };

    my $State;
    my $Report = eval {
        $SyncObject->Sync(
            Kind      => $Kind,
            DryRun    => $DryRun,
            Trigger   => 'screen',
            UserID    => $Param{UserID} || 1,
            Progress  => $Progress,
            OTRSState => \$State,
        );
    };
    my $Died = $@;
    $SyncObject->LockRelease() if !$DryRun;

    if ( !$Report ) {
        $Self->_RequestUpdate(
            RequestID => $RequestID,
            State     => 'failed',
            Message   => "The run stopped with an error: $Died",
        );
        return 1;
    }

    my $Rows = 0;
    if ( $DryRun && ref $Report->{actions} eq 'ARRAY' ) {
        $Self->_RequestUpdate(
            RequestID => $RequestID,
            Stage     => 'preview',
        );
        $Rows = $Self->_PreviewWrite(
            RequestID => $RequestID,
            Kind      => $Kind,
            Report    => $Report,
            State     => $State || {},
        );
    }

    $Self->_RequestUpdate(
        RequestID => $RequestID,
        State     => 'done',
        Status    => $Report->{status},
        ExitCode  => $Report->{exit_code},
        Message   => $Report->{message},
        RunID     => $Report->{run_id},
        Counts    => $Report->{counts},
        Plan      => $Report->{plan},
        Rows      => $Rows,
    );
    return 1;
}

=head2 RequestGet()

A request with its state and progress.

    my $Request = $AdminScreenObject->RequestGet(
        RequestID => '1780000000-1234-0a1b2c3d',
    );

Returns undef for an unknown (or malformed) ID, else:

    {
        RequestID => '...',
        Type      => 'preview',          # preview | sync
        Kind      => 'companies',
        State     => 'running',          # queued | running | done | failed
        Stage     => 'apply',            # start | state | plan | apply | preview
        Done      => 200, Total => 1000, # while applying
        Status    => 'ok',               # when done: the run's status (ok | failed | refused | unreadable | locked ...)
        Message   => '...',
        RunID     => 12,                 # the run in the run history, when done
        Counts    => { ... },            # when done
        Rows      => 1234,               # preview rows, when done
        Created   => '2026-12-02 10:00:00',
        Updated   => '2026-12-02 10:00:05',
    }

=cut

sub RequestGet {
    my ( $Self, %Param ) = @_;

    my $Directory = $Self->_RequestDirectory( $Param{RequestID} );
    return if !$Directory || !-f "$Directory/request.json";

    my $Content = $Kernel::OM->Get('Kernel::System::Main')->FileRead(
        Location        => "$Directory/request.json",
        Mode            => 'utf8',
        DisableWarnings => 1,
    );
    return if !$Content;
    my $Request = $Kernel::OM->Get('Kernel::System::JSON')->Decode( Data => ${$Content} );
    return if ref $Request ne 'HASH';
    return $Request;
}

=head2 PreviewPage()

One page of a preview's rows, filtered by action, with the counts of all rows.

    my $Page = $AdminScreenObject->PreviewPage(
        RequestID => '1780000000-1234-0a1b2c3d',
        Action    => 'update',     # optional: create | update | invalidate | delete | skip
        Page      => 1,            # optional, from 1
        PageSize  => 50,           # optional, 1..500, default 50
    );

Returns undef when the request has no preview, else:

    {
        Counts   => { create => 3, update => 1, invalidate => 0, delete => 0, skip => 2 },
        Total    => 1,             # rows of the filter
        Page     => 1,
        Pages    => 1,
        PageSize => 50,
        Rows     => [
            {
                Action  => 'update',
                ID      => 'ACME',
                Name    => 'Acme Ltd.',
                Changes => [ { Field => 'CustomerCompanyCity', Old => 'Berlin', New => 'Köln' } ],
                MembershipsAdd    => [ 'ACME' ],
                MembershipsRemove => [],
                Reason  => '',
            },
        ],
    }

=cut

sub PreviewPage {
    my ( $Self, %Param ) = @_;

    my $Directory = $Self->_RequestDirectory( $Param{RequestID} );
    return if !$Directory || !-f "$Directory/preview.jsonl";

    my $Filter = $Param{Action} // '';
    $Filter = '' if !grep { $_ eq $Filter } @PreviewActions;
    my $PageSize = $Param{PageSize} && $Param{PageSize} =~ m{\A [0-9]+ \z}xms ? $Param{PageSize} : 50;
    $PageSize = 500 if $PageSize > 500;
    $PageSize = 1   if $PageSize < 1;
    my $Page = $Param{Page} && $Param{Page} =~ m{\A [0-9]{1,9} \z}xms && $Param{Page} > 0 ? $Param{Page} : 1;

    my $Handle;
    if ( !open $Handle, '<:encoding(UTF-8)', "$Directory/preview.jsonl" ) {    ## no critic
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "SalesForce admin screen: cannot read $Directory/preview.jsonl: $!",
        );
        return;
    }

    # Every row starts with its action ({"Action":"update",...}, keys sorted), so
    # the rows are counted and filtered without decoding them; only the page's
    # rows are decoded.
    my %Counts = map { $_ => 0 } @PreviewActions;
    my $First  = ( $Page - 1 ) * $PageSize;
    my ( $Matched, @Lines ) = (0);
    while ( my $Line = <$Handle> ) {
        my ($Action) = $Line =~ m{\A \{ "Action" : "(\w+)" }xms or next;
        $Counts{$Action}++;
        next if $Filter ne '' && $Action ne $Filter;
        push @Lines, $Line if $Matched >= $First && $Matched < $First + $PageSize;
        $Matched++;
    }
    close $Handle;

    my $JSONObject = $Kernel::OM->Get('Kernel::System::JSON');
    my $Pages      = $Matched ? int( ( $Matched + $PageSize - 1 ) / $PageSize ) : 1;
    return {
        Counts   => \%Counts,
        Total    => $Matched,
        Page     => $Page,
        Pages    => $Pages,
        PageSize => $PageSize,
        Rows     => [ grep { ref $_ eq 'HASH' } map { $JSONObject->Decode( Data => $_ ) } @Lines ],
    };
}

=head2 Schedule()

The package's cron tasks: whether each is on, its schedule and its next run.

    my @Tasks = $AdminScreenObject->Schedule();

Returns:

    (
        {
            Kind     => 'companies',
            Setting  => 'Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies',
            Enabled  => 1,
            Schedule => '*/5 * * * *',
            NextRun  => '2026-12-02 10:05:00',   # OTRS system time (UTC); undef when off
        },
        ...
    )

=cut

sub Schedule {
    my ( $Self, %Param ) = @_;

    my $Tasks = $Kernel::OM->Get('Kernel::Config')->Get('Daemon::SchedulerCronTaskManager::Task') || {};
    my @Result;
    for my $Task (@CronTasks) {
        my ( $Kind, $Name ) = @{$Task};
        my $Setting = "Daemon::SchedulerCronTaskManager::Task###$Name";

        # A task that is off is not in the configuration; SysConfig still knows its schedule.
        my $Config   = ref $Tasks->{$Name} eq 'HASH' ? $Tasks->{$Name}     : undef;
        my $Schedule = $Config                       ? $Config->{Schedule} : $Self->_SettingValue($Setting)->{Schedule};
        my $NextRun;
        if ( $Config && $Schedule ) {
            $NextRun = eval { $Kernel::OM->Get('Kernel::System::CronEvent')->NextEventGet( Schedule => $Schedule ) };
        }
        push @Result, {
            Kind     => $Kind,
            Setting  => $Setting,
            Enabled  => $Config ? 1 : 0,
            Schedule => $Schedule,
            NextRun  => $NextRun || undef,
        };
    }
    return @Result;
}

=begin Internal:

=cut

# Writes the preview rows, one JSON line each: the plan's actions with the old
# values of the fields they change (from State, the OTRS data the plan was made
# from), then the skipped records. Returns the row count.
sub _PreviewWrite {
    my ( $Self, %Param ) = @_;

    my $Kind = $Param{Kind};
    my ( $Records, $Key )
        = $Kind eq 'companies' ? ( $Param{State}->{companies}, 'CustomerID' ) : ( $Param{State}->{users}, 'UserLogin' );
    my %Old = map { lc( $_->{$Key} // '' ) => $_ } @{ $Records || [] };

    my @Rows;
    for my $Action ( @{ $Param{Report}->{actions} } ) {
        my $ID     = $Action->{id} // '';
        my $Record = $Old{ lc $ID } || {};
        my $Values = $Action->{action} eq 'create' ? $Action->{values} || {} : $Action->{changes} || {};
        push @Rows, {
            Action  => $Action->{action},
            ID      => $ID,
            Name    => _DisplayName( $Kind, { %{$Record}, %{$Values} } ),
            Changes => [
                map {
                    {
                        Field => $_,
                        Old   => $Action->{action} eq 'create' ? undef : $Record->{$_},
                        New   => $Values->{$_},
                    }
                } sort keys %{$Values}
            ],
            MembershipsAdd    => $Action->{memberships_add}    || [],
            MembershipsRemove => $Action->{memberships_remove} || [],
            Reason            => $Action->{reason} // '',
        };
    }
    for my $Skip ( @{ $Param{Report}->{skipped} || [] } ) {
        push @Rows, {
            Action            => 'skip',
            ID                => $Skip->{id}   // '',
            Name              => $Skip->{name} // '',
            Changes           => [],
            MembershipsAdd    => [],
            MembershipsRemove => [],
            Reason            => $Skip->{reason} // '',
        };
    }

    my $File = $Self->_RequestDirectory( $Param{RequestID} ) . '/preview.jsonl';
    my $Handle;
    if ( !open $Handle, '>:encoding(UTF-8)', "$File.new" ) {    ## no critic
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "SalesForce admin screen: cannot write $File.new: $!",
        );
        return 0;
    }

    # Keys sorted: every line starts with its Action (PreviewPage() relies on it).
    my $JSONObject = $Kernel::OM->Get('Kernel::System::JSON');
    for my $Row (@Rows) {
        print {$Handle} $JSONObject->Encode(
            Data     => $Row,
            SortKeys => 1,
        ) . "\n";
    }
    close $Handle;
    rename "$File.new", $File;

    return scalar @Rows;
}

# The effective value of a SysConfig setting, valid or not ({} when unknown).
sub _SettingValue {
    my ( $Self, $Name ) = @_;

    my %Setting = eval { $Kernel::OM->Get('Kernel::System::SysConfig')->SettingGet( Name => $Name ) };
    return ref $Setting{EffectiveValue} eq 'HASH' ? $Setting{EffectiveValue} : {};
}

# The name an admin knows a record by.
sub _DisplayName {
    my ( $Kind, $Record ) = @_;

    return $Record->{CustomerCompanyName} // '' if $Kind eq 'companies';
    my $Name = join ' ', grep { defined && length } @{$Record}{qw(UserFirstname UserLastname)};
    return length $Name ? $Name : $Record->{UserEmail} // '';
}

sub _RequestDirectory {
    my ( $Self, $RequestID ) = @_;

    return if !defined $RequestID || $RequestID !~ $RequestIDPattern;
    return $Self->_RequestRoot() . "/$RequestID";
}

sub _RequestRoot {
    my ( $Self, %Param ) = @_;

    return $Kernel::OM->Get('Kernel::Config')->Get('Home') . '/var/salesforce-sync/screen';
}

sub _RequestSave {
    my ( $Self, %Param ) = @_;

    my $Directory = $Self->_RequestDirectory( $Param{RequestID} ) or return;
    File::Path::make_path($Directory) if !-d $Directory;

    my %Request = ( %{ $Param{Request} }, Updated => $Self->_Now() );
    my $JSON    = $Kernel::OM->Get('Kernel::System::JSON')->Encode(
        Data     => \%Request,
        SortKeys => 1,
    );

    # Written beside and renamed, so a poll never reads half a file.
    my $Written = $Kernel::OM->Get('Kernel::System::Main')->FileWrite(
        Location => "$Directory/request.json.new",
        Content  => \$JSON,
        Mode     => 'utf8',
    );
    return if !$Written;
    return rename "$Directory/request.json.new", "$Directory/request.json";
}

sub _RequestUpdate {
    my ( $Self, %Param ) = @_;

    my $RequestID = delete $Param{RequestID};
    my $Request   = $Self->RequestGet( RequestID => $RequestID ) or return;
    return $Self->_RequestSave(
        RequestID => $RequestID,
        Request   => { %{$Request}, %Param },
    );
}

# Removes the requests older than a day.
sub _RequestCleanup {
    my ( $Self, %Param ) = @_;

    my $Root = $Self->_RequestRoot();
    return 1 if !-d $Root;

    my $Oldest = time() - $RequestKeepSeconds;
    opendir my $DirHandle, $Root or return;
    my @Old = grep { $_ =~ $RequestIDPattern && ( split m{-}xms, $_ )[0] < $Oldest } readdir $DirHandle;
    closedir $DirHandle;
    File::Path::remove_tree("$Root/$_") for @Old;
    return 1;
}

sub _Now {
    my ( $Self, %Param ) = @_;

    return $Kernel::OM->Create('Kernel::System::DateTime')->ToString();
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
