# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The run history (Kernel::System::SalesForce::RunHistory, table salesforce_sync_run):
# RunAdd, RunList, RunCount, RunGet, RunCleanup and the retention setting against the
# DB stand-in, with SQL that every OTRS database takes; then every kind of sync run
# recorded through the console commands against the fake org: applied, dry, unreadable,
# refused by the lock, run by the daemon's cron task (trigger cron, --quiet), and a run
# whose recording fails (the sync goes on). No configured secret reaches the table.

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use File::Temp qw(tempdir);
use JSON::PP();
use Test::More;

use Kernel::System::ObjectManager;
use SalesForceTest::Sync;

$ENV{SALESFORCE_TEST_HOME}      = tempdir( CLEANUP => 1 );
$ENV{SALESFORCE_TEST_QUIET_LOG} = 1;
%Kernel::Config::TestSettings   = ();

my $Day = 24 * 60 * 60;
my $Now = 1_780_000_000;    # 2026-05-28 20:26:40 UTC

# A report as Sync() gives it.
my $MakeReport = sub {
    my (%Param) = @_;
    return {
        kind      => $Param{Kind} // 'companies',
        dry_run   => $Param{DryRun} ? 1 : 0,
        status    => $Param{Status}   // 'ok',
        exit_code => $Param{ExitCode} // 0,
        message   => $Param{Message}  // 'Everything was applied.',
        counts    => {
            created             => 3,
            updated             => 2,
            unchanged           => 10,
            invalidated         => 1,
            deleted             => 0,
            skipped             => 1,
            failed              => 0,
            memberships_added   => 4,
            memberships_removed => 5,
            %{ $Param{Counts} || {} },
        },
        skipped   => [ { id => '001A', name => '*Old', reason => 'names starting with * are excluded (ValidData)' } ],
        failed    => [],
        api_calls => 7,
        run       => {
            kind   => $Param{RunKind} // 'full',
            reason => 'no earlier run'
        },
        seconds => $Param{Seconds} // 1.5,
        notes   => ['Grüße aus Köln'],
        %{ $Param{Extra} || {} },
    };
};

# ------------------------------------------------------------ the history itself (DB stand-in)
{
    local $Kernel::OM                          = Kernel::System::ObjectManager->new();
    local $Kernel::System::DateTime::FixedTime = $Now;
    my $RunHistoryObject = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');
    my $DBObject         = $Kernel::OM->Get('Kernel::System::DB');
    my $LogObject        = $Kernel::OM->Get('Kernel::System::Log');

    is( $RunHistoryObject->RunCount(), 0, 'an empty history: RunCount 0' );
    is_deeply( [ $RunHistoryObject->RunList() ], [], '... RunList empty' );
    is( $RunHistoryObject->RunGet( ID => 1 ), undef, '... RunGet of an unknown run: undef' );

    my $FirstID = $RunHistoryObject->RunAdd(
        Report  => $MakeReport->(),
        Trigger => 'console',
        Started => $Now - 3 * $Day,
        UserID  => 2,
    );
    ok( $FirstID, 'RunAdd returns the new ID' );
    my $Run = $RunHistoryObject->RunGet( ID => $FirstID );
    is_deeply(
        { map { $_ => $Run->{$_} } grep { $_ ne 'Report' && $_ ne 'ReportJSON' } keys %{$Run} },
        {
            ID       => $FirstID,
            Kind     => 'companies',
            Trigger  => 'console',
            DryRun   => 0,
            RunKind  => 'full',
            Status   => 'ok',
            ExitCode => 0,
            Message  => 'Everything was applied.',
            Started  => '2026-05-25 20:26:40',
            Seconds  => 1.5,
            APICalls => 7,
            Counts   => {
                created             => 3,
                updated             => 2,
                unchanged           => 10,
                invalidated         => 1,
                deleted             => 0,
                skipped             => 1,
                failed              => 0,
                memberships_added   => 4,
                memberships_removed => 5,
            },
            CreateBy => 2,
        },
        'RunGet: the columns of the run'
    );
    is_deeply( $Run->{Report}, $MakeReport->(), 'RunGet: the whole report, decoded (non-ASCII text included)' );
    is_deeply(
        JSON::PP->new()->decode( $Run->{ReportJSON} ),
        $MakeReport->(), 'RunGet: ReportJSON is the report as JSON (for the download)'
    );

    # Without Started: now minus the run's seconds.
    my $DryID = $RunHistoryObject->RunAdd(
        Report => $MakeReport->(
            DryRun  => 1,
            Seconds => 60,
            Kind    => 'customers',
            RunKind => 'incremental'
        ),
        Trigger => 'cron',
    );
    my $Dry = $RunHistoryObject->RunGet( ID => $DryID );
    is( $Dry->{Started},  '2026-05-28 20:25:40', 'RunAdd without Started: now minus the run time' );
    is( $Dry->{DryRun},   1,                     '... a dry run' );
    is( $Dry->{Trigger},  'cron',                '... by cron' );
    is( $Dry->{RunKind},  'incremental',         '... run kind from the report' );
    is( $Dry->{CreateBy}, 1,                     '... UserID defaults to 1' );

    # A run that never reached Salesforce: no run kind, no API calls.
    my $UnreadableID = $RunHistoryObject->RunAdd(
        Report => {
            kind      => 'companies',
            dry_run   => 0,
            status    => 'unreadable',
            exit_code => 3,
            message   => 'Nothing was changed: Salesforce could not be read: AUTH: ' . ( 'x' x 400 ),
            counts    => { created => 0 },
            error     => {
                name    => 'AUTH',
                message => 'INVALID_LOGIN'
            },
            seconds => 0.2,
        },
        Trigger => 'screen',
        Started => $Now - 1,
    );
    my $Unreadable = $RunHistoryObject->RunGet( ID => $UnreadableID );
    is( $Unreadable->{RunKind},        undef, 'an unreadable run: no run kind' );
    is( $Unreadable->{APICalls},       undef, '... no API calls' );
    is( $Unreadable->{ExitCode},       3,     '... exit code 3' );
    is( length $Unreadable->{Message}, 250,   '... the message column holds 250 characters' );
    like( $Unreadable->{Message},           qr{\.\.\.\z}, '... cut with ...' );
    like( $Unreadable->{Report}->{message}, qr{x{400}\z}, '... the report keeps the whole message' );

    # Refused input.
    $LogObject->EntriesClear();
    is(
        $RunHistoryObject->RunAdd(
            Report  => $MakeReport->(),
            Trigger => 'trigger'
        ),
        undef,
        'an unknown Trigger is refused'
    );
    like(
        ( $LogObject->Entries() )[-1]->{Message},
        qr{Need Trigger \(one of: api, console, cron, screen\)},
        '... saying which'
    );
    is( $RunHistoryObject->RunAdd( Trigger => 'api' ), undef, 'no Report: refused' );
    is( $RunHistoryObject->RunGet( ID => 'x' ),        undef, 'RunGet with a bad ID: undef' );

    # List: newest first, by kind, paged.
    my @DayIDs;
    for my $Index ( 1 .. 5 ) {
        push @DayIDs, $RunHistoryObject->RunAdd(
            Report  => $MakeReport->( Counts => { created => $Index } ),
            Trigger => 'api',
            Started => $Now - $Index * $Day - 3600,
        );
    }
    my @All = $RunHistoryObject->RunList( Limit => 100 );
    is( scalar @All, 8, 'RunList: every run' );
    is_deeply(
        [ map { $_->{Started} } @All ],
        [ sort { $b cmp $a } map { $_->{Started} } @All ],
        '... newest first'
    );
    is_deeply(
        [ map { $_->{ID} } @All[ 0, 1 ] ],
        [ $UnreadableID, $DryID ],
        '... the newest: a second ago, a minute ago'
    );
    ok( !exists $All[0]->{Report} && !exists $All[0]->{ReportJSON}, '... without the reports' );
    is( $RunHistoryObject->RunCount(),                      8, 'RunCount' );
    is( $RunHistoryObject->RunCount( Kind => 'customers' ), 1, 'RunCount by kind' );
    is_deeply( [ map { $_->{ID} } $RunHistoryObject->RunList( Kind => 'customers' ) ], [$DryID], 'RunList by kind' );
    my @Page = $RunHistoryObject->RunList(
        Limit  => 3,
        Offset => 3
    );
    is_deeply( [ map { $_->{ID} } @Page ], [ map { $_->{ID} } @All[ 3 .. 5 ] ], 'RunList: Limit and Offset page' );
    is( scalar( () = $RunHistoryObject->RunList() ), 8, 'RunList: default limit 50' );

    # Same start second: the later insert first.
    my $TwinA = $RunHistoryObject->RunAdd(
        Report  => $MakeReport->(),
        Trigger => 'api',
        Started => $Now - 10 * $Day
    );
    my $TwinB = $RunHistoryObject->RunAdd(
        Report  => $MakeReport->(),
        Trigger => 'api',
        Started => $Now - 10 * $Day
    );
    my @Last = ( $RunHistoryObject->RunList( Limit => 100 ) )[ -2, -1 ];
    is_deeply(
        [ map { $_->{ID} } @Last ],
        [ $TwinB, $TwinA ],
        'runs that started in the same second: the later one first'
    );

    # Retention: the setting (default 90 days), or Days.
    my $OldID = $RunHistoryObject->RunAdd(
        Report  => $MakeReport->(),
        Trigger => 'cron',
        Started => $Now - 91 * $Day
    );
    my $KeptID
        = $RunHistoryObject->RunAdd(
        Report  => $MakeReport->(),
        Trigger => 'cron',
        Started => $Now - 89 * $Day
        );
    ok( $RunHistoryObject->RunCleanup(), 'RunCleanup' );
    is( $RunHistoryObject->RunGet( ID => $OldID ), undef, '... deletes a run older than 90 days (the default)' );
    ok( $RunHistoryObject->RunGet( ID => $KeptID ), '... keeps one of 89 days' );

    $Kernel::OM->Get('Kernel::Config')->Set(
        Key   => 'SalesForceModule::RunHistory::RetentionDays',
        Value => 30
    );
    ok( $RunHistoryObject->RunCleanup(), 'RunCleanup with RetentionDays 30' );
    is( $RunHistoryObject->RunGet( ID => $KeptID ), undef, '... deletes the run of 89 days' );
    ok( $RunHistoryObject->RunGet( ID => $TwinA ), '... keeps one of 10 days' );
    ok( $RunHistoryObject->RunCleanup( Days => 2 ), 'RunCleanup( Days => 2 )' );
    is_deeply(
        [ sort { $a <=> $b } map { $_->{ID} } $RunHistoryObject->RunList( Limit => 100 ) ],
        [ $DryID, $UnreadableID, $DayIDs[0] ],
        '... keeps only the runs of the last 2 days'
    );

    # A report too large for one row of every database: the lists that grow with the data give way.
    {
        local $Kernel::System::SalesForce::RunHistory::MaxReportBytes = 20_000;
        local $Kernel::System::SalesForce::RunHistory::MaxListed      = 10;
        my $Big = $MakeReport->(
            DryRun => 1,
            Extra  => {
                actions => [ map { { action => 'create', id => "001$_", values => { Name => 'y' x 50 } } } 1 .. 400 ],
                skipped => [ map { { id     => "001$_",  reason => 'z' x 50 } } 1 .. 400 ],
            },
        );
        my $BigID = $RunHistoryObject->RunAdd(
            Report  => $Big,
            Trigger => 'console'
        );
        my $Kept = $RunHistoryObject->RunGet( ID => $BigID )->{Report};
        ok( !exists $Kept->{actions}, 'a too large report: the dry run actions are left out' );
        is( $Kept->{actions_left_out},    400, '... saying how many' );
        is( scalar @{ $Kept->{skipped} }, 10,  '... the skipped records are cut to MaxListed' );
        is( $Kept->{skipped_left_out},    390, '... saying how many were left out' );
        is( $Kept->{counts}->{skipped},   1,   '... the counts stay' );
        is( scalar @{ $Big->{actions} },  400, '... and the caller\'s report is not changed' );
    }

    # The SQL works on PostgreSQL, MySQL/MariaDB (ANSI_QUOTES) and Oracle.
    my @Statements = grep {m{salesforce_sync_run}} @{ $DBObject->{QueryLog} };
    ok( scalar @Statements, 'the statements were logged' );
    is_deeply(
        [ grep {m{\bLIMIT\b|\bOFFSET\b|\bTOP\b|ROWNUM}i} @Statements ],
        [], 'no LIMIT in any statement (Prepare Limit/Start)'
    );
    is_deeply( [ grep {m{["'`]}} @Statements ], [], 'no quoted literal or identifier: every value is bound' );
    is_deeply( [ grep {m{NOW\(|CURRENT_TIMESTAMP|SYSDATE}i} @Statements ], [], 'no database date function' );
}

# ------------------------------------------------------------ every sync run is recorded
if ( !SalesForceTest::Fake->Available() || !eval { require SalesForce::XS; 1 } ) {
    diag('fake-salesforce or SalesForce::XS not built: the sync part is skipped (make xs)');
    done_testing();
    exit 0;
}

my $Fake    = SalesForceTest::Sync->StartFake( Generate => 'accounts=12,owners=2,contacts=4' );
my $Info    = $Fake->{Info};
my %Secrets = (
    'SalesForceModule::OAuth::ClientSecret' => 'Client-Secret-Do-Not-Store-1',
    'SalesForceModule::OAuth::PrivateKey'   => "-----BEGIN PRIVATE KEY-----\nPrivate-Key-Do-Not-Store-2\n",
    'SalesForceModule::OAuth::RefreshToken' => 'Refresh-Token-Do-Not-Store-3',
);
SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => \%Secrets,
);

local $Kernel::OM = Kernel::System::ObjectManager->new();
my $RunHistoryObject = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');
my $Newest           = sub { return ( $RunHistoryObject->RunList( Limit => 1 ) )[0] };

# An old run, past the retention: the next sync drops it.
my $OldID = $RunHistoryObject->RunAdd(
    Report  => $MakeReport->(),
    Trigger => 'console',
    Started => time() - 200 * $Day,
);
ok( $OldID, 'a run of 200 days ago is in the history' );

my ( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
    Command   => 'SyncCompanies',
    Arguments => ['--json'],
);
is( $Exit, 0,  'a sync by hand: exit 0' ) or diag $Err;
is( $Err,  '', '... nothing on STDERR' );
my $Run = $Newest->();
ok( $Run, '... is recorded' );
is( $Run->{Trigger},  'console',              '... trigger console' );
is( $Run->{Kind},     'companies',            '... kind' );
is( $Run->{DryRun},   0,                      '... not dry' );
is( $Run->{Status},   'ok',                   '... status' );
is( $Run->{ExitCode}, 0,                      '... exit code' );
is( $Run->{RunKind},  $Report->{run}->{kind}, '... full or incremental, as the report says' );
is( $Run->{APICalls}, $Report->{api_calls},   '... the API calls' );
is_deeply( $Run->{Counts}, $Report->{counts}, '... the counts' );
is( $Run->{Counts}->{created}, 12,                 '... 12 companies created' );
is( $Run->{Message},           $Report->{message}, '... the message' );
my $Full = $RunHistoryObject->RunGet( ID => $Run->{ID} );

# Decoded as the --json output was (booleans stay JSON::PP booleans on every Perl); the
# --json report also names the run it was stored as.
is( $Report->{run_id}, $Run->{ID}, '... the --json report names its run (run_id)' );
is_deeply(
    JSON::PP->new()->decode( $Full->{ReportJSON} ),
    { map { $_ => $Report->{$_} } grep { $_ ne 'run_id' } keys %{$Report} },
    '... the stored report is the --json report'
);
is( $RunHistoryObject->RunGet( ID => $OldID ), undef, '... and the run past the retention is gone' );

( $Exit, $Report ) = SalesForceTest::Sync->RunCommand(
    Command   => 'SyncCustomers',
    Arguments => [ '--json', '--dry-run' ],
);
is( $Exit, 0, 'a dry run: exit 0' );
$Run = $Newest->();
is( $Run->{DryRun}, 1,           '... recorded as dry' );
is( $Run->{Kind},   'customers', '... of customers' );
is_deeply(
    $RunHistoryObject->RunGet( ID => $Run->{ID} )->{Report}->{actions}, $Report->{actions},
    '... with the planned actions'
);

( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
    Command   => 'SyncCompanies',
    Arguments => [ '--json', '--auth-password', 'Wr0ng-Secret-Value' ],
);
is( $Exit, 3, 'an unreadable run (wrong password): exit 3' );
$Run = $Newest->();
is( $Run->{Status},   'unreadable', '... recorded as unreadable' );
is( $Run->{ExitCode}, 3,            '... exit code 3' );
is(
    $RunHistoryObject->RunGet( ID => $Run->{ID} )->{Report}->{error}->{name}, $Report->{error}->{name},
    '... with the error'
);

# The daemon's cron task calls Execute() itself (SchedulerTaskWorker::Cron), with --quiet.
{

    package Kernel::System::Daemon::DaemonModules::SchedulerTaskWorker::Cron;    ## no critic

    sub RunStandIn {
        my ( $Module, @Params ) = @_;
        my ( $Out,    $Err )    = ( '', '' );
        my $Result;
        {
            local *STDERR;
            local *STDOUT;
            open STDERR, '>', \$Err or die $!;    ## no critic
            open STDOUT, '>', \$Out or die $!;    ## no critic
            local $Kernel::System::Console::BaseCommand::SuppressANSI = 1;
            $Result = $Kernel::OM->Get($Module)->Execute(@Params);
        }
        return ( $Result, $Out, $Err );
    }
}
my ( $Result, $CronOut, $CronErr ) = Kernel::System::Daemon::DaemonModules::SchedulerTaskWorker::Cron::RunStandIn(
    'Kernel::System::Console::Command::Admin::SalesForce::SyncCustomers',
    '--quiet', ( $> == 0 ? '--allow-root' : () ),
);
is( $Result,  0,  'a cron task run (--quiet): Execute returns 0' );
is( $CronErr, '', '... nothing on STDERR (the task counts as successful)' );
is( $CronOut, '', '... nothing on STDOUT (--quiet)' );
$Run = $Newest->();
is( $Run->{Trigger}, 'cron',      '... recorded with trigger cron' );
is( $Run->{Kind},    'customers', '... of customers' );
is( $Run->{DryRun},  0,           '... not dry' );

{
    my $Command = $Kernel::OM->Create('Kernel::System::Console::Command::Admin::SalesForce::SyncCompanies');
    is( $Command->RunTrigger(), 'console', 'RunTrigger: console from a test script' );
    local $0 = '/opt/otrs/bin/otrs.Daemon.pl';
    is( $Command->RunTrigger(), 'cron', 'RunTrigger: cron in the daemon (bin/otrs.Daemon.pl)' );
    $0 = '/opt/znuny/bin/znuny.Daemon.pl';
    is( $Command->RunTrigger(), 'cron', 'RunTrigger: cron in the Znuny daemon' );
    $0 = '/opt/otrs/bin/otrs.Console.pl';
    is( $Command->RunTrigger(), 'console', 'RunTrigger: console in bin/otrs.Console.pl' );
}

# A sync called by other code: trigger api, or as given.
my $SyncObject = $Kernel::OM->Get('Kernel::System::SalesForce::Sync');
$Report = $SyncObject->Sync(
    Kind   => 'companies',
    DryRun => 1
);
is( $Newest->()->{Trigger}, 'api', 'Sync() without Trigger: recorded as api' );
$Report = $SyncObject->Sync(
    Kind    => 'companies',
    DryRun  => 1,
    Trigger => 'screen'
);
is( $Newest->()->{Trigger}, 'screen', 'Sync( Trigger => screen ): recorded as screen' );
$Report = $SyncObject->Sync( Kind => 'nothing' );
is( $Report->{status},     'error', 'Sync() of an unknown kind: status error' );
is( $Newest->()->{Status}, 'error', '... recorded too' );

# Another sync holds the lock: the refused run is recorded.
pipe my $Reader,   my $Writer   or die "pipe: $!";
pipe my $GoReader, my $GoWriter or die "pipe: $!";
my $Child = fork();
die "fork: $!" if !defined $Child;
if ( !$Child ) {
    close $Reader;
    close $GoWriter;
    my $Other = $Kernel::OM->Create('Kernel::System::SalesForce::Sync');
    my $Got   = $Other->LockAcquire();
    print {$Writer} ( $Got ? "locked\n" : "failed\n" );
    close $Writer;
    my $Ignored = <$GoReader>;    # until the parent closes it
    $Other->LockRelease();
    require POSIX;
    POSIX::_exit(0);
}
close $Writer;
close $GoReader;
is( scalar <$Reader>, "locked\n", 'another process holds the sync lock' );
( $Exit, $Report, $Out, $Err ) = SalesForceTest::Sync->RunCommand(
    Command   => 'SyncCompanies',
    Arguments => ['--json'],
);
close $GoWriter;
waitpid $Child, 0;
is( $Exit, 2, 'a sync while another runs: exit 2' );
$Run = $Newest->();
is( $Run->{Status},   'locked',  '... recorded as locked' );
is( $Run->{ExitCode}, 2,         '... exit code 2' );
is( $Run->{Trigger},  'console', '... trigger console' );

# Recording fails (here: the table is missing): the sync is not affected.
{
    my $DBObject  = $Kernel::OM->Get('Kernel::System::DB');
    my $Table     = delete $DBObject->{Tables}->{salesforce_sync_run};
    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');
    $LogObject->EntriesClear();
    ( $Exit, $Report ) = SalesForceTest::Sync->RunCommand(
        Command   => 'SyncCompanies',
        Arguments => ['--json'],
    );
    is( $Exit,             0,    'the run history table is missing: the sync still exits 0' );
    is( $Report->{status}, 'ok', '... with status ok' );
    ok(
        ( grep { $_->{Message} =~ m{could not be recorded in the run history} } $LogObject->Entries() ),
        '... and the failure to record is logged'
    );
    $DBObject->{Tables}->{salesforce_sync_run} = $Table;
}

# No configured secret is stored.
{
    my @Stored = map { $RunHistoryObject->RunGet( ID => $_->{ID} )->{ReportJSON} }
        $RunHistoryObject->RunList( Limit => 1000 );
    ok( scalar @Stored >= 8, scalar(@Stored) . ' runs stored' );
    my $All = join "\n", @Stored;
    for my $Secret (
        [ password                         => $Info->{password} ],
        [ security_token                   => $Info->{security_token} ],
        [ 'wrong password given as option' => 'Wr0ng-Secret-Value' ],
        map { [ $_ => $Secrets{$_} ] } sort keys %Secrets
        )
    {
        unlike( $All, qr{\Q$Secret->[1]\E}, "no stored report holds the $Secret->[0]" );
    }
    unlike( $All, qr{session_id|sessionId}i, 'no stored report holds a session id' );
}

done_testing();
