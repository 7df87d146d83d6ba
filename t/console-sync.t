# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The console side of Admin::SalesForce::SyncCompanies and ::SyncCustomers:
# help text, options of the original, option errors, --quiet, --json, STDERR
# staying empty on success (a cron run fails on any STDERR output), the
# cron-task call (Execute with argv params), exit codes, secrets, and the
# lock shared by both commands (a second sync waits or stops with exit 2).

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use JSON::PP();
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Fake = SalesForceTest::Sync->StartFake( Generate => 'accounts=30,owners=3,contacts=10' );
my $Info = $Fake->{Info};
my $Home = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => { 'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity' },
);

use Kernel::System::ObjectManager;
local $Kernel::OM = Kernel::System::ObjectManager->new();

my $Run = sub {
    my (@Arguments) = @_;
    my $Name = ( $Arguments[0] // '' ) =~ m{\ASync}smx ? shift @Arguments : 'SyncCompanies';
    return SalesForceTest::Sync->RunCommand(
        Command   => $Name,
        Arguments => [ grep { $_ ne '--no-root' } @Arguments ],
        NoRoot    => ( $Arguments[0] // '' ) eq '--no-root',
    );
};

my $CompanyObject = $Kernel::OM->Get('Kernel::System::CustomerCompany');

# ------------------------------------------------------------ help
for my $Name (qw(SyncCompanies SyncCustomers)) {
    my $Kind = $Name eq 'SyncCompanies' ? 'companies' : 'customers';
    my ( $Exit, undef, $Out, $Err ) = $Run->( $Name, '--help' );
    is( $Exit, 0, "$Name --help: exit 0" );
    for my $Option (
        qw(sf auth-user auth-password auth-security-token auth-proxy auth-api-version auth-baseurl auth-prefix
        auth-sobjecturl auth-metadataurl auth-webproxy valid-data dry-run force json wait quiet),
        "$Kind-limit", "$Kind-delete-old"
        )
    {
        like( $Out, qr/--\Q$Option\E\b/, "$Name --help: lists --$Option" );
    }
    like(
        $Out,
        qr/--auth-password[^\n]*see command line arguments[^\n]*SysConfig/,
        "$Name --help: warns about secrets in arguments"
    );
    like( $Out, qr/0\s+everything was applied/,                         "$Name --help: exit code 0 documented" );
    like( $Out, qr/1\s+some records failed/,                            "$Name --help: exit code 1 documented" );
    like( $Out, qr/2\s+refused/,                                        "$Name --help: exit code 2 documented" );
    like( $Out, qr/3\s+nothing was done: Salesforce could not be read/, "$Name --help: exit code 3 documented" );
    is( $Err, '', "$Name --help: nothing on STDERR" );
}

# ------------------------------------------------------------ option errors, root
my ( $Exit, $Report, $Out, $Err ) = $Run->( '--companies-limit', 'abc' );
is( $Exit, 1, 'bad option value: exit 1' );
like( $Err, qr/please provide a valid value for option '--companies-limit'/, 'bad option value: says which' );
( $Exit, $Report, $Out, $Err ) = $Run->('--no-such-option');
is( $Exit, 1, 'unknown option: exit 1' );
( $Exit, $Report, $Out, $Err ) = $Run->( '--no-root', '--dry-run' );
is( $Exit, 1, 'as root without --allow-root: refused like every OTRS command' ) if $> == 0;

# ------------------------------------------------------------ a normal run: STDOUT only
( $Exit, $Report, $Out, $Err ) = $Run->();
is( $Exit, 0,  'run: exit 0' );
is( $Err,  '', 'run: nothing on STDERR (a cron run would count that as failure)' );
like( $Out, qr/Summary/, 'run: summary printed' );
like( $Out, qr/\d+ created, 0 updated, 0 unchanged, 0 invalidated, 0 deleted, \d+ skipped, 0 failed/, 'run: counts' );
like( $Out, qr/Salesforce API calls: \d+/,  'run: API calls' );
like( $Out, qr/time taken: [\d.]+ s/,       'run: time taken' );
like( $Out, qr/Applied \d+ of \d+ changes/, 'run: progress on STDOUT' );

# --quiet (the cron setting): nothing at all on success.
( $Exit, $Report, $Out, $Err ) = $Run->('--quiet');
is( $Exit, 0,  '--quiet: exit 0' );
is( $Out,  '', '--quiet: no output' );
is( $Err,  '', '--quiet: nothing on STDERR' );

# --json: one JSON document on STDOUT.
( $Exit, $Report, $Out ) = $Run->('--json');
is( ref $Report, 'HASH', '--json: STDOUT parses as JSON' ) or diag $Out;
is_deeply(
    [ sort keys %{ $Report->{counts} } ],
    [ sort qw(created updated unchanged invalidated deleted skipped failed memberships_added memberships_removed) ],
    '--json: counts'
);
is( $Report->{exit_code}, 0,    '--json: exit code in the report' );
is( $Report->{status},    'ok', '--json: status in the report' );

# The daemon's cron task: Execute with the argv params, STDERR captured.
{
    my $CronError = '';
    my $CronOut   = '';
    my $Result;
    {
        local *STDERR;
        local *STDOUT;
        open STDERR, '>', \$CronError or die $!;
        open STDOUT, '>', \$CronOut   or die $!;
        local $Kernel::System::Console::BaseCommand::SuppressANSI = 1;
        $Result = $Kernel::OM->Get('Kernel::System::Console::Command::Admin::SalesForce::SyncCompanies')
            ->Execute( '--quiet', ( $> == 0 ? '--allow-root' : () ) );
    }
    is( $Result,    0,  'cron task: Execute returns 0' );
    is( $CronError, '', 'cron task: no STDERR, so the task counts as successful' );
}

# ------------------------------------------------------------ options override SysConfig; secrets stay secret
( $Exit, $Report, $Out, $Err ) = $Run->( '--json', '--auth-password', 'Wr0ng-Secret-Value' );
is( $Exit,             3,            'wrong --auth-password: exit 3 (login failed)' );
is( $Report->{status}, 'unreadable', 'wrong --auth-password: unreadable' );
unlike( $Out . $Err, qr/Wr0ng-Secret-Value/,          'wrong --auth-password: the password is not echoed' );
unlike( $Out . $Err, qr/\Q$Info->{password}\E/,       'the configured password is not echoed' );
unlike( $Out . $Err, qr/\Q$Info->{security_token}\E/, 'the security token is not echoed' );

( $Exit, $Report, $Out, $Err ) = $Run->( '--json', '--sf', '0' );
is( $Exit, 3, '--sf 0: the module is off, nothing done (exit 3)' );
like( $Report->{message} // '', qr/disabled/i, '--sf 0: says the module is disabled' );

( $Exit, $Report ) = $Run->( '--json', '--auth-proxy', 'https://127.0.0.1:9/services/Soap/u/64.0' );
is( $Exit, 3, '--auth-proxy overrides SalesForceModule::Proxy (nothing listens there)' );

# ------------------------------------------------------------ one sync at a time
pipe my $Reader, my $Writer or die "pipe: $!";
my $Child = fork();
die "fork: $!" if !defined $Child;
if ( !$Child ) {
    close $Reader;
    my $Other = $Kernel::OM->Create('Kernel::System::SalesForce::Sync');
    my $Got   = $Other->LockAcquire();
    print {$Writer} ( $Got ? "locked\n" : "failed\n" );
    close $Writer;
    sleep 4;
    $Other->LockRelease();
    require POSIX;
    POSIX::_exit(0);
}
close $Writer;
is( scalar <$Reader>, "locked\n", 'another process runs a sync' );

( $Exit, $Report, $Out, $Err ) = $Run->();
is( $Exit, 2, 'second sync: exit 2' );
like( $Err, qr/Another SalesForce sync is running/, 'second sync: clear message' );
like( $Err, qr/--wait/,                             'second sync: points to --wait' );

( $Exit, $Report, $Out, $Err ) = $Run->( 'SyncCustomers', '--json' );
is( $Exit,             2,        'customers while companies run: exit 2 (one lock for both)' );
is( $Report->{status}, 'locked', 'customers while companies run: JSON says locked' );

( $Exit, $Report, $Out, $Err ) = $Run->('--dry-run');
is( $Exit, 0, 'a dry run writes nothing and may run beside a sync' );

( $Exit, $Report, $Out, $Err ) = $Run->( '--wait', '30' );
is( $Exit, 0, '--wait: the second sync runs once the first is done' ) or diag $Err;
like( $Out, qr/waiting up to 30 seconds/, '--wait: says that it waits' );
waitpid $Child, 0;

( $Exit, $Report, $Out, $Err ) = $Run->();
is( $Exit, 0, 'the lock was released after the run' );

# ------------------------------------------------------------ --passes: several runs in one minute
{
    local $Kernel::System::SalesForce::Sync::CommandBase::PassPeriodSeconds = 4;
    my $RunHistoryObject = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');
    my $Before           = $RunHistoryObject->RunCount( Kind => 'companies' );
    my $Started          = time();
    ( $Exit, $Report, $Out, $Err ) = $Run->( '--passes', '2' );
    is( $Exit, 0, '--passes 2: exit 0' ) or diag $Err;
    like( $Out, qr/Pass 2 of 2/, '... says when the second pass starts' );
    is( () = $Out =~ m{ \d+ \s created, }xmsg, 2, '... prints two summaries' );
    ok( time() - $Started >= 2, '... the second pass starts half the period after the first' );
    is( $RunHistoryObject->RunCount( Kind => 'companies' ), $Before + 2, '... records two runs' );
    my ($Last) = $RunHistoryObject->RunList(
        Kind  => 'companies',
        Limit => 1
    );
    is( $Last->{RunKind}, 'incremental', '... the second builds on the first (incremental)' );

    ( $Exit, $Report, $Out, $Err ) = $Run->( '--passes', '2', '--dry-run' );
    is( $Exit, 1, '--passes with --dry-run: refused' );
    like( $Err, qr/--passes is for real runs/, '... with a clear message' );
    ( $Exit, $Report, $Out, $Err ) = $Run->( '--passes', '7' );
    isnt( $Exit, 0, '--passes 7: refused (2 to 6)' );
}

undef $Fake;
done_testing();
