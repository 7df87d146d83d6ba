# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# Kernel::System::SalesForce::RunHistory inside a real OTRS 6, on its database
# (PostgreSQL, MySQL/MariaDB or Oracle): the table salesforce_sync_run that the
# package's DatabaseInstall created, RunAdd, RunList, RunCount, RunGet and
# RunCleanup with a fixed time. Everything happens in the test transaction
# (RestoreDatabase), so the history of the system is left as it was:
#   bin/otrs.Console.pl Dev::UnitTest::Run --test SalesForce/RunHistory
# With FAKE_SALESFORCE_BIN set it also records a dry sync run through the console
# command against the fake Salesforce org.

use strict;
use warnings;
use utf8;

use vars (qw($Self));

# The tests end early (last TEST) when what they need is missing: no top-level return, so the
# file also runs as a script of its own (OTOBO).
TEST: {
    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::UnitTest::Helper' => {
            RestoreDatabase => 1,
        },
    );
    my $Helper           = $Kernel::OM->Get('Kernel::System::UnitTest::Helper');
    my $DBObject         = $Kernel::OM->Get('Kernel::System::DB');
    my $ConfigObject     = $Kernel::OM->Get('Kernel::Config');
    my $RunHistoryObject = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');

    # The table must exist (DatabaseInstall of the package). On PostgreSQL a failed
    # statement spoils the rest of the transaction, so stop here if it does not.
    my $TableExists = $DBObject->Prepare(
        SQL   => 'SELECT COUNT(*) FROM salesforce_sync_run',
        Limit => 1,
    );
    if ($TableExists) {
        while ( my @Row = $DBObject->FetchrowArray() ) { }
    }
    last TEST if !$Self->True( $TableExists, 'the table salesforce_sync_run exists (created by the package install)' );

    # Start from an empty history inside the transaction (rolled back at the end).
    $Self->True(
        $DBObject->Do( SQL => 'DELETE FROM salesforce_sync_run' ),
        'the runs of this system are set aside for the test (rolled back afterwards)',
    );
    $Self->Is( $RunHistoryObject->RunCount(), 0, 'RunCount of an empty history' );

    # A fixed "now": 2026-06-15 12:00:00 in the OTRS time zone.
    my $NowObject = $Kernel::OM->Create(
        'Kernel::System::DateTime',
        ObjectParams => {
            String => '2026-06-15 12:00:00',
        },
    );

    # The unit test helper fixes the time on OTRS 6 and Znuny; OTOBO has functions for it
    # (Kernel::System::UnitTest::MockTime, loaded before everything else in the OTOBO package).
    my %FixedTime;
    for my $Name (qw(Set AddSeconds Unset)) {
        my $Method = "FixedTime$Name";
        $FixedTime{$Name} = $Helper->can($Method) ? sub { return $Helper->$Method(@_) } : undef;
    }
    if ( !$FixedTime{Set} ) {
        require Kernel::System::UnitTest::MockTime;
        %FixedTime = map { $_ => \&{"Kernel::System::UnitTest::MockTime::FixedTime$_"} } qw(Set AddSeconds Unset);
    }
    $FixedTime{Set}->($NowObject);
    my $Now = $NowObject->ToEpoch();
    my $Day = 24 * 60 * 60;

    my $TimeString = sub {
        my ($Epoch) = @_;
        return $Kernel::OM->Create(
            'Kernel::System::DateTime',
            ObjectParams => {
                Epoch => $Epoch,
            },
        )->ToString();
    };

    my $Report = sub {
        my (%Param) = @_;
        return {
            kind      => $Param{Kind} // 'companies',
            dry_run   => $Param{DryRun} ? 1 : 0,
            status    => $Param{Status}   // 'ok',
            exit_code => $Param{ExitCode} // 0,
            message   => $Param{Message}  // 'Everything was applied.',
            counts    => {
                created             => $Param{Created} // 3,
                updated             => 2,
                unchanged           => 1000,
                invalidated         => 1,
                deleted             => 0,
                skipped             => 1,
                failed              => 1,
                memberships_added   => 4,
                memberships_removed => 5,
            },
            skipped =>
                [ { id => '001000000000001AAA', name => '*Alt', reason => 'names starting with * are excluded' } ],
            failed => [
                {
                    id     => '001000000000002AAA',
                    action => 'create',
                    reason => 'This email address is already in use for another customer user.'
                }
            ],
            api_calls => 12,
            run       => {
                kind   => $Param{RunKind} // 'full',
                reason => 'the full-run interval passed'
            },
            seconds => $Param{Seconds} // 2.5,
            notes   => [ 'Grüße aus Köln – 東京', $Param{Note} // () ],
        };
    };

    # ------------------------------------------------------------ RunAdd and RunGet
    my $FirstID = $RunHistoryObject->RunAdd(
        Report  => $Report->(),
        Trigger => 'console',
        Started => $Now - 3 * $Day,
        UserID  => 1,
    );
    $Self->True( $FirstID, 'RunAdd returns an ID' );

    my $Run = $RunHistoryObject->RunGet( ID => $FirstID );
    $Self->True( $Run, 'RunGet finds the run' );
    $Self->Is( $Run->{ID},           $FirstID,                         'RunGet: ID' );
    $Self->Is( $Run->{Kind},         'companies',                      'RunGet: Kind' );
    $Self->Is( $Run->{Trigger},      'console',                        'RunGet: Trigger' );
    $Self->Is( $Run->{DryRun},       0,                                'RunGet: DryRun' );
    $Self->Is( $Run->{RunKind},      'full',                           'RunGet: RunKind' );
    $Self->Is( $Run->{Status},       'ok',                             'RunGet: Status' );
    $Self->Is( $Run->{ExitCode},     0,                                'RunGet: ExitCode' );
    $Self->Is( $Run->{Message},      'Everything was applied.',        'RunGet: Message' );
    $Self->Is( $Run->{Started},      $TimeString->( $Now - 3 * $Day ), 'RunGet: Started' );
    $Self->Is( $Run->{Seconds} + 0,  2.5,                              'RunGet: Seconds' );
    $Self->Is( $Run->{APICalls} + 0, 12,                               'RunGet: APICalls' );
    $Self->IsDeeply(
        { map { $_ => $Run->{Counts}->{$_} + 0 } keys %{ $Run->{Counts} } },
        $Report->()->{counts},
        'RunGet: Counts',
    );
    $Self->IsDeeply( $Run->{Report}, $Report->(), 'RunGet: the whole report, non-ASCII text included' );

    # A large report (a dry run of many records) goes through the LONGBLOB column whole.
    my $Large = $Report->(
        DryRun => 1,
        Note   => 'ä' x 100_000
    );
    my $LargeID = $RunHistoryObject->RunAdd(
        Report  => $Large,
        Trigger => 'screen',
        Started => $Now - 2 * $Day,
    );
    $Self->True( $LargeID, 'RunAdd of a report of about 200 KB' );
    $Self->Is(
        $RunHistoryObject->RunGet( ID => $LargeID )->{Report}->{notes}->[1],
        'ä' x 100_000,
        'RunGet gives it back unchanged',
    );

    # Without Started: now minus the report's seconds.
    my $NowID = $RunHistoryObject->RunAdd(
        Report => $Report->(
            Kind    => 'customers',
            Seconds => 30,
            RunKind => 'incremental'
        ),
        Trigger => 'cron',
    );
    $Run = $RunHistoryObject->RunGet( ID => $NowID );
    $Self->Is( $Run->{Started}, $TimeString->( $Now - 30 ), 'RunAdd without Started: now minus the run time' );
    $Self->Is( $Run->{Trigger}, 'cron',                     '... Trigger cron' );
    $Self->Is( $Run->{RunKind}, 'incremental',              '... RunKind incremental' );

    # A run that never reached Salesforce: no run kind, no API calls; empty strings are no problem on Oracle.
    my $UnreadableID = $RunHistoryObject->RunAdd(
        Report => {
            kind      => 'companies',
            dry_run   => 0,
            status    => 'unreadable',
            exit_code => 3,
            message   => '',
            counts    => {},
            skipped   => [],
            failed    => [],
            error     => {
                name    => 'AUTH',
                message => 'INVALID_LOGIN: Invalid username, password, security token'
            },
            seconds => 0.4,
        },
        Trigger => 'api',
        Started => $Now - 60,
    );
    $Self->True( $UnreadableID, 'RunAdd of an unreadable run' );
    $Run = $RunHistoryObject->RunGet( ID => $UnreadableID );
    $Self->Is( $Run->{ExitCode},                3,      '... ExitCode 3' );
    $Self->Is( $Run->{RunKind},                 undef,  '... no RunKind' );
    $Self->Is( $Run->{APICalls},                undef,  '... no APICalls' );
    $Self->Is( $Run->{Counts}->{created} + 0,   0,      '... counts 0' );
    $Self->Is( $Run->{Report}->{error}->{name}, 'AUTH', '... the error is in the report' );

    $Self->Is(
        scalar $RunHistoryObject->RunGet( ID => $UnreadableID + 1000 ), undef,
        'RunGet of an unknown ID: undef'
    );

    # ------------------------------------------------------------ RunList and RunCount
    my @DayIDs;
    for my $Days ( 5 .. 9 ) {
        push @DayIDs, $RunHistoryObject->RunAdd(
            Report  => $Report->( Created => $Days ),
            Trigger => 'cron',
            Started => $Now - $Days * $Day,
        );
    }
    $Self->Is( scalar( grep {$_} @DayIDs ), 5, 'five older runs added' );

    my @All = $RunHistoryObject->RunList( Limit => 100 );
    $Self->IsDeeply(
        [ map { $_->{ID} } @All ],
        [ $NowID, $UnreadableID, $LargeID, $FirstID, @DayIDs ],
        'RunList: every run, newest first',
    );
    $Self->False( exists $All[0]->{Report}, 'RunList: without the reports' );
    $Self->Is( $RunHistoryObject->RunCount(),                      9, 'RunCount' );
    $Self->Is( $RunHistoryObject->RunCount( Kind => 'customers' ), 1, 'RunCount by kind' );
    $Self->IsDeeply(
        [ map { $_->{ID} } $RunHistoryObject->RunList( Kind => 'customers' ) ],
        [$NowID],
        'RunList by kind',
    );
    $Self->IsDeeply(
        [ map { $_->{ID} } $RunHistoryObject->RunList( Limit => 3, Offset => 2 ) ],
        [ $LargeID, $FirstID, $DayIDs[0] ],
        'RunList: Limit 3, Offset 2',
    );
    $Self->IsDeeply(
        [ map { $_->{ID} } $RunHistoryObject->RunList( Limit => 3, Offset => 8 ) ],
        [ $DayIDs[-1] ],
        'RunList: the last page',
    );

    # ------------------------------------------------------------ RunCleanup
    my $OldID = $RunHistoryObject->RunAdd(
        Report  => $Report->(),
        Trigger => 'console',
        Started => $Now - 91 * $Day,
    );
    my $KeptID = $RunHistoryObject->RunAdd(
        Report  => $Report->(),
        Trigger => 'console',
        Started => $Now - 89 * $Day,
    );
    $ConfigObject->Set(
        Key   => 'SalesForceModule::RunHistory::RetentionDays',
        Value => 90,
    );
    $Self->True( $RunHistoryObject->RunCleanup(), 'RunCleanup with RetentionDays 90' );
    $Self->Is( scalar $RunHistoryObject->RunGet( ID => $OldID ), undef, '... deletes the run of 91 days ago' );
    $Self->True( scalar $RunHistoryObject->RunGet( ID => $KeptID ), '... keeps the run of 89 days ago' );

    $FixedTime{AddSeconds}->( 2 * $Day );
    $Self->True( $RunHistoryObject->RunCleanup(), 'two days later: RunCleanup' );
    $Self->Is( scalar $RunHistoryObject->RunGet( ID => $KeptID ), undef, '... deletes that run too' );

    $ConfigObject->Set(
        Key   => 'SalesForceModule::RunHistory::RetentionDays',
        Value => 7,
    );
    $Self->True( $RunHistoryObject->RunCleanup(), 'RunCleanup with RetentionDays 7' );
    $Self->IsDeeply(
        [ map { $_->{ID} } $RunHistoryObject->RunList( Limit => 100 ) ],
        [ $NowID, $UnreadableID, $LargeID, $FirstID, $DayIDs[0] ],
        '... keeps the runs of the last 7 days',
    );
    $FixedTime{Unset}->();

    # ------------------------------------------------------------ a sync run is recorded
    my $FakeObject;
    if ( $Kernel::OM->Get('Kernel::System::Main')->Require( 'Kernel::System::SalesForce::UnitTestFake', Silent => 1 ) )
    {
        $FakeObject = Kernel::System::SalesForce::UnitTestFake->new();
    }
    if ( !$FakeObject || !$FakeObject->Available() ) {
        $Self->True( 1, 'SKIPPED: set FAKE_SALESFORCE_BIN to the fake-salesforce binary to record a sync run too' );
        last TEST;
    }

    my $Info = $FakeObject->Start(
        Generate => 'accounts=10,owners=2,contacts=4',
        Helper   => $Helper,
    );
    last TEST if !$Self->True( $Info, 'fake Salesforce org started' );

    # --force: companies synced earlier into this OTRS (not from the fake)
    # must not make the dry run a refused cleanup (a dry run writes nothing).
    my ( $ExitCode, $SyncReport ) = $FakeObject->RunSync(
        Command   => 'SyncCompanies',
        Arguments => [ '--dry-run', '--force' ],
    );
    $Self->Is( $ExitCode, 0, 'a dry sync run: exit code 0' );
    $Run = ( $RunHistoryObject->RunList( Limit => 1 ) )[0];
    $Self->Is( $Run->{Trigger},  'console',                '... recorded with trigger console' );
    $Self->Is( $Run->{Kind},     'companies',              '... kind companies' );
    $Self->Is( $Run->{DryRun},   1,                        '... as a dry run' );
    $Self->Is( $Run->{ExitCode}, 0,                        '... exit code 0' );
    $Self->Is( $Run->{APICalls}, $SyncReport->{api_calls}, '... its API calls' );
    my $Stored = $RunHistoryObject->RunGet( ID => $Run->{ID} )->{ReportJSON};

    for my $Secret ( grep { defined && length } @{$Info}{qw(password security_token client_secret refresh_token)} ) {
        $Self->False( index( $Stored, $Secret ) >= 0, '... its stored report holds no secret of the org' );
    }

    $FakeObject->Stop();
}

1;
