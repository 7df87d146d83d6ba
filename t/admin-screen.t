# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The admin screen Admin -> Salesforce, through its layers against the fake org:
# the frontend module (Kernel::Modules::AdminSalesForce) with its real template rendered
# by Template Toolkit, the screen's logic (Kernel::System::SalesForce::AdminScreen),
# the daemon tasks it queues (run here as the daemon's task worker would), the sync,
# the run history. Checks: POST and challenge token for every action, the connection
# test (success, and a failure that names the setting), secrets never in a page, a
# preview of 100+ rows paged and filtered with old -> new values, a hostile Account
# name shown as text, a sync from the screen in the runs (and refused while another
# sync holds the lock), the daemon check, the schedule, old requests removed.

use strict;
use warnings;
no warnings 'once';    ## no critic
use utf8;

use File::Basename qw(dirname);
use JSON::PP();
use Test::More;

use SalesForceTest::Sync;

SalesForceTest::Sync->SkipUnlessBuilt();

my $Hostile = '<script>alert(1)</script>';
my $Fake    = SalesForceTest::Sync->StartFake( Generate => 'accounts=120,owners=5,contacts=20' );
my $Home    = SalesForceTest::Sync->Configure(
    Fake     => $Fake,
    Settings => {
        'SalesForceModule::Companies::AddAttributesToParams###CustomerCompanyCity' => 'BillingCity',
        'Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'         => { Schedule => '*/5 * * * *' },
    },
);
my $Password = $Fake->{Info}->{password};
my $Token    = $Fake->{Info}->{security_token};

use Kernel::System::ObjectManager;
use Kernel::System::AsynchronousExecutor;
local $Kernel::OM = Kernel::System::ObjectManager->new();

# One web request: a new module and request object each time, as OTRS makes them.
my $Request = sub {
    my (%Param) = @_;
    my %Form = %{ $Param{Form} || {} };

    # OTRS 6 (CGI, mod_perl) gives the method in the environment, OTOBO (PSGI) in its request object.
    local $ENV{REQUEST_METHOD} = $Param{PSGI} ? undef : $Param{Method} // 'GET';
    $Kernel::OM->ObjectsDiscard( Objects => [ 'Kernel::System::Web::Request', 'Kernel::Output::HTML::Layout' ] );
    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::Web::Request' => {
            Param => \%Form,
            ( $Param{PSGI} ? ( Method => $Param{Method} // 'GET' ) : () ),
        }
    );
    require Kernel::Modules::AdminSalesForce;
    my $Module = Kernel::Modules::AdminSalesForce->new(
        Action    => 'AdminSalesForce',
        Subaction => $Form{Subaction} // '',
        UserID    => 1,
    );
    my $Output = eval { $Module->Run() };
    return $Output // "DIED $@";
};
my $Post = sub {
    my (%Form) = @_;
    return $Request->(
        Method => 'POST',
        Form   => {
            ChallengeToken => 'TestToken',
            %Form
        },
    );
};
my $NoSecret = sub {
    my ( $Text, $What ) = @_;
    ok( index( $Text, $Password ) < 0 && index( $Text, $Token ) < 0, "$What: no password or token in it" );
};
my $CacheObject = $Kernel::OM->Get('Kernel::System::Cache');
my $Daemon      = sub {
    my ($Running) = @_;
    if ($Running) {
        $CacheObject->Set(
            Type  => 'DaemonRunning',
            Key   => 1,
            Value => 1,
            TTL   => 60
        );
    }
    else {
        $CacheObject->Delete(
            Type => 'DaemonRunning',
            Key  => 1
        ) if $CacheObject->can('Delete');
        $CacheObject->{Data}->{DaemonRunning} = {};
    }
};
my $RequestIDOf = sub {
    my ($Output) = @_;
    return ( $Output =~ m{\A REDIRECT \s Action=AdminSalesForce;Subaction=Request;RequestID=(\S+) \z}xms )[0];
};

# ------------------------------------------------------------ who may open it
my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
my $Registration = $ConfigObject->Get('Frontend::Module')->{AdminSalesForce};
is_deeply( [ $Registration->{Group}, $Registration->{GroupRo} ], [ ['admin'], [] ], 'the screen: group admin only' );
my $Tile = $ConfigObject->Get('Frontend::NavigationModule')->{AdminSalesForce};
is_deeply( [ $Tile->{Group}, $Tile->{GroupRo} ], [ ['admin'], [] ], 'its Admin overview tile: group admin only' );
my $Loader = $ConfigObject->Get('Loader::Module::AdminSalesForce')->{'002-SalesForce'};
my $Root   = dirname(__FILE__) . '/..';

for my $File ( map {"$Root/var/httpd/htdocs/js/$_"} @{ $Loader->{JavaScript} } ) {
    ok( -f $File, "the loader's JavaScript exists: $File" );
}
for my $File ( map {"$Root/var/httpd/htdocs/skins/Agent/default/css/$_"} @{ $Loader->{CSS} } ) {
    ok( -f $File, "the loader's CSS exists: $File" );
}

# ------------------------------------------------------------ the overview
my $Page = $Request->();
like( $Page, qr{id="SalesForceConnectionSettings"},                           'overview: the sign-in settings' );
like( $Page, qr{SalesForceModule::AuthUser.*?\Q$Fake->{Info}->{username}\E}s, '... with the user' );
like( $Page, qr{SalesForceModule::AuthPassword</a></th>\s*<td>\s*set}s,       '... the password only as "set"' );
$NoSecret->( $Page, 'the overview' );
like( $Page, qr{No runs yet\.}, '... no runs yet' );
like(
    $Page,
    qr{id="SalesForceSchedule".*?companies</a></td>\s*<td>on</td>\s*<td>\*/5 \* \* \* \*</td>\s*<td>\d{4}-\d\d-\d\d \d\d:\d[05]:00</td>}s,
    '... the schedule of the cron tasks: companies on, with the next run'
);
like( $Page, qr{customers</a></td>\s*<td>off</td>}, '... customers off' );
like( $Page, qr{The OTRS daemon is not running},    '... and that the daemon is not running' );
like( $Page, qr{<form action="index.pl" method="post" id="SalesForceRequestForm">}, '... the forms POST' );

# ------------------------------------------------------------ actions: POST and challenge token only
like(
    $Request->(
        Form => {
            Subaction      => 'ConnectionTest',
            ChallengeToken => 'TestToken'
        }
    ),
    qr{\AERROR SCREEN .*POST},
    'a GET of an action is refused'
);
like(
    $Request->(
        Method => 'POST',
        Form   => { Subaction => 'ConnectionTest' }
    ),
    qr{\ADIED Invalid Challenge Token},
    'a POST without the challenge token is refused'
);
like(
    $Request->(
        Method => 'POST',
        Form   => {
            Subaction      => 'RequestStart',
            ChallengeToken => 'x',
            Type           => 'sync',
            Kind           => 'companies'
        }
    ),
    qr{\ADIED Invalid Challenge Token},
    'a POST with a wrong token is refused'
);
is( scalar @Kernel::System::AsynchronousExecutor::Queue, 0, '... and started nothing' );
like(
    $Request->(
        PSGI   => 1,
        Method => 'GET',
        Form   => {
            Subaction      => 'ConnectionTest',
            ChallengeToken => 'TestToken'
        }
    ),
    qr{\AERROR SCREEN .*POST},
    'OTOBO (PSGI): a GET of an action is refused'
);
unlike(
    $Request->(
        PSGI   => 1,
        Method => 'POST',
        Form   => {
            Subaction      => 'ConnectionTest',
            ChallengeToken => 'TestToken'
        }
    ),
    qr{\AERROR SCREEN},
    '... and a POST is taken (the method comes from the request object, not the environment)'
);

# ------------------------------------------------------------ connection test
$Page = $Post->( Subaction => 'ConnectionTest' );
like( $Page, qr{id="SalesForceConnectionOk"},                              'connection test: connected' );
like( $Page, qr{id="SalesForceConnectionInfo".*?Organization</th><td>\S}s, '... with the org' );
like( $Page, qr{API version</th><td>\d+\.\d},                              '... the API version' );
like( $Page, qr{API calls of this test</th><td>\d},                        '... and the calls it made' );
$NoSecret->( $Page, 'the connection test' );

{
    local $Kernel::Config::TestSettings{'SalesForceModule::AuthPassword'} = 'wrong-password';
    $Kernel::OM->ObjectsDiscard( Objects => [ 'Kernel::Config', 'Kernel::System::SalesForce' ] );
    $Page = $Post->( Subaction => 'ConnectionTest' );
    like( $Page, qr{id="SalesForceConnectionFailed"}, 'a wrong password: the test fails' );
    like( $Page, qr{refused the sign-in},             '... says so in plain words' );
    like(
        $Page, qr{Setting=SalesForceModule%3A%3AAuthPassword">SalesForceModule::AuthPassword</a>},
        '... and links the setting to change'
    );
    unlike( $Page, qr{wrong-password}, '... without showing the password' );
}
$Kernel::OM->ObjectsDiscard( Objects => [ 'Kernel::Config', 'Kernel::System::SalesForce' ] );

# ------------------------------------------------------------ no daemon: nothing starts
$Page = $Post->(
    Subaction => 'RequestStart',
    Type      => 'preview',
    Kind      => 'companies'
);
like(
    $Page, qr{id="SalesForceProblem".*The OTRS daemon is not running, so nothing was started}s,
    'without the daemon a preview is refused'
);
is( scalar @Kernel::System::AsynchronousExecutor::Queue, 0, '... and nothing is queued' );

# ------------------------------------------------------------ a first sync from the screen
$Daemon->(1);
my $Output = $Post->(
    Subaction => 'RequestStart',
    Type      => 'sync',
    Kind      => 'companies'
);
my $RequestID = $RequestIDOf->($Output);
ok( $RequestID, 'run now: redirects to the request' ) or diag $Output;
is( scalar @Kernel::System::AsynchronousExecutor::Queue,             1,            '... one daemon task queued' );
is( $Kernel::System::AsynchronousExecutor::Queue[0]->{FunctionName}, 'RequestRun', '... RequestRun' );
like(
    $Request->(
        Form => {
            Subaction => 'Request',
            RequestID => $RequestID
        }
    ),
    qr{data-state="queued"},
    '... the page shows it waiting for the daemon'
);
my $Status = JSON::PP->new()->decode(
    (
        split /\n\n/,
        $Request->(
            Form => {
                Subaction => 'RequestStatus',
                RequestID => $RequestID
            }
        ),
        2
    )[1]
);
is( $Status->{State}, 'queued', '... and so does its status for the poll' );

Kernel::System::AsynchronousExecutor->RunQueued();
$Page = $Request->(
    Form => {
        Subaction => 'Request',
        RequestID => $RequestID
    }
);
like( $Page, qr{id="SalesForceRequestResult".*?ok: Everything was applied\.}s, '... done: applied' );
my ($RunID) = $Page =~ m{Subaction=Run;ID=([0-9]+)};
ok( $RunID, '... with a link to its run' );
my $Run = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory')->RunGet( ID => $RunID );
is( $Run->{Trigger}, 'screen', '... recorded with trigger screen' );
ok( $Run->{Counts}->{created} >= 100, "... which created the companies ($Run->{Counts}->{created})" );

$Page = $Request->();
like( $Page, qr{Subaction=Run;ID=$RunID">}, 'the overview lists the run' );
like(
    $Page, qr{class="SalesForceRunCounts">\s*created $Run->{Counts}->{created}, (?!updated)}s,
    '... with its counts that are not 0'
);
$Page = $Request->(
    Form => {
        Subaction => 'Run',
        ID        => $RunID
    }
);
like( $Page, qr{id="SalesForceRunCounts">\s*created $Run->{Counts}->{created},}, 'the run page shows its counts' );
like( $Page, qr{SyncCompanies},                                                  '... and its command' );
my $Download = $Request->(
    Form => {
        Subaction => 'RunDownload',
        ID        => $RunID
    }
);
like(
    $Download,
    qr{\AATTACHMENT application/json; charset=utf-8 salesforce-sync-run-$RunID\.json},
    'the report downloads as JSON'
);
$NoSecret->( $Download, 'the downloaded report' );

# ------------------------------------------------------------ a preview of a changed org
my $SalesForceObject = $Kernel::OM->Get('Kernel::System::SalesForce');
my $Accounts = $SalesForceObject->DoQuery( Query => 'SELECT Id, Name, BillingCity, OwnerId FROM Account ORDER BY Id' );
my @Plain    = grep { $_->{Name} !~ m{\A\*} } @{$Accounts};
my $Skips    = @{$Accounts} - @Plain;
ok(
    SalesForceTest::Sync->FakeData(
        Fake => $Fake,
        Data => {
            update => [
                {
                    Id          => $Plain[0]->{Id},
                    BillingCity => 'Cologne'
                },
                map { { Id => $_->{Id}, Name => "$_->{Name} renamed" } } @Plain[ 1 .. 60 ]
            ],
            create => [ { type => 'Account', Name => $Hostile, OwnerId => $Plain[0]->{OwnerId} } ],
        },
    ),
    'the fake org: a city changed, 60 Accounts renamed, one Account with a hostile name'
);
$RequestID = $RequestIDOf->( $Post->( Subaction => 'RequestStart', Type => 'preview', Kind => 'companies' ) );
Kernel::System::AsynchronousExecutor->RunQueued();
my $Request_ = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen')->RequestGet( RequestID => $RequestID );
is( $Request_->{State}, 'done',      'preview: done' );
is( $Request_->{Rows},  62 + $Skips, "... 61 updates, 1 create and $Skips skipped" ) or diag explain $Request_;

$Page = $Request->(
    Form => {
        Subaction => 'Request',
        RequestID => $RequestID
    }
);
like( $Page, qr{data-action="create">create: 1</a>},      '... counts: 1 create' );
like( $Page, qr{data-action="update">update: 61</a>},     '... 61 updates' );
like( $Page, qr{data-action="skip">skip: $Skips</a>},     "... $Skips skipped" );
like( $Page, qr{Page 1 of 2 \(@{[ 62 + $Skips ]} rows\)}, '... two pages of 50' );
is( () = $Page =~ m{<tr class="SalesForceAction-}g, 50, '... 50 rows on the first' );

$Page = $Request->(
    Form => {
        Subaction => 'Request',
        RequestID => $RequestID,
        Filter    => 'create'
    }
);
like(
    $Page,
    qr{class="SalesForceName">&lt;script&gt;alert\(1\)&lt;/script&gt;},
    'filter create: the hostile name as text'
);
unlike( $Page, qr{<script>alert}, '... never as a script' );

$Page = $Request->(
    Form => {
        Subaction => 'Request',
        RequestID => $RequestID,
        Filter    => 'update'
    }
);
like(
    $Page,
    qr{<del>\Q$Plain[0]->{BillingCity}\E</del> → <ins>Cologne</ins>},
    'filter update: a changed field old -> new'
);

$Page = $Request->(
    Form => {
        Subaction => 'Request',
        RequestID => $RequestID,
        Filter    => 'update',
        Page      => 2
    }
);
like( $Page, qr{Page 2 of 2 \(61 rows\)}, 'filter update, page 2' );
is( () = $Page =~ m{<tr class="SalesForceAction-update">}g, 11, '... the last 11 updates' );
unlike( $Page, qr{SalesForceAction-create}, '... and no create' );
my %Company = $Kernel::OM->Get('Kernel::System::CustomerCompany')->CustomerCompanyGet( CustomerID => $Plain[0]->{Id} );
is( $Company{CustomerCompanyCity}, $Plain[0]->{BillingCity}, 'the preview wrote nothing' );

# ------------------------------------------------------------ run now while another sync runs
my $SyncObject = $Kernel::OM->Create('Kernel::System::SalesForce::Sync');
ok( scalar $SyncObject->LockAcquire(), 'another sync holds the lock' );
$RequestID = $RequestIDOf->( $Post->( Subaction => 'RequestStart', Type => 'sync', Kind => 'companies' ) );
Kernel::System::AsynchronousExecutor->RunQueued();    # its own lock file handle: flock refuses it
$Request_ = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen')->RequestGet( RequestID => $RequestID );
is( $Request_->{Status}, 'locked', 'run now: refused while another sync runs' );
$Run = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory')->RunGet( ID => $Request_->{RunID} );
is( $Run->{Status},  'locked', '... recorded as such in the runs' );
is( $Run->{Trigger}, 'screen', '... with trigger screen' );
$SyncObject->LockRelease();

# ------------------------------------------------------------ unknown and old requests
like(
    $Request->(
        Form => {
            Subaction => 'Request',
            RequestID => '../../etc'
        }
    ),
    qr{unknown or has expired},
    'a malformed request ID is unknown'
);
my $Old = sprintf( '%010d-1-0000abcd', time() - 2 * 86400 );
mkdir "$Home/var/salesforce-sync/screen/$Old" or die $!;
$Post->(
    Subaction => 'RequestStart',
    Type      => 'preview',
    Kind      => 'customers'
);
ok( !-d "$Home/var/salesforce-sync/screen/$Old", 'a new request removes those older than a day' );

done_testing();
