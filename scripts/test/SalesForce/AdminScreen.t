# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The admin screen Admin -> Salesforce inside a real OTRS 6, against the fake
# Salesforce org of this package's source tree:
#   FAKE_SALESFORCE_BIN=/path/to/fake-salesforce \
#     bin/otrs.Console.pl Dev::UnitTest::Run --test SalesForce/AdminScreen
# A preview and a sync started from the screen become tasks of the OTRS scheduler
# (table scheduler_task); each task is run here as the daemon's task worker would
# run it. Then the frontend module renders the preview with OTRS's own layout and
# template engine: a hostile Account name must come out as text. Everything happens
# in the test transaction (RestoreDatabase); the sync's state file is put back.
# Without FAKE_SALESFORCE_BIN the test says so and checks nothing else.

use strict;
use warnings;
use utf8;

use vars (qw($Self));

use File::Path();

use Kernel::System::SalesForce::UnitTestFake;

# The tests end early (last TEST) when what they need is missing: no top-level return, so the
# file also runs as a script of its own (OTOBO).
TEST: {
    # Start the fake org (stopped when $FakeObject goes away) and point the package at it.
    my $FakeObject = Kernel::System::SalesForce::UnitTestFake->new();
    my ( $Info, $Helper ) = $FakeObject->TestStart(
        Generate => 'accounts=30,owners=4,contacts=10',
        UnitTest => $Self,
        Settings => {
            'SalesForceModule::Companies::DeleteOld' => '',
            'SalesForceModule::Companies::Where'     => '',
        },
    );
    last TEST if !$Info;
    $FakeObject->KeepStateFile( Kind => 'companies' );

    my $ConfigObject      = $Kernel::OM->Get('Kernel::Config');
    my $CacheObject       = $Kernel::OM->Get('Kernel::System::Cache');
    my $SchedulerDBObject = $Kernel::OM->Get('Kernel::System::Daemon::SchedulerDB');
    my $AdminScreenObject = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen');
    my $RunHistoryObject  = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');
    my $SalesForceObject  = $Kernel::OM->Get('Kernel::System::SalesForce');
    my $NodeID            = $ConfigObject->Get('NodeID') || 1;
    my @Requests;

    # ------------------------------------------------------------ the connection test
    my $Connection = $AdminScreenObject->ConnectionTest();
    $Self->True( $Connection->{Success},         'ConnectionTest: signed in to the fake org' );
    $Self->True( $Connection->{Info}->{OrgName}, "... org $Connection->{Info}->{OrgName}" );
    my @Settings = $SalesForceObject->ConnectionSettings();
    my ($Password) = grep { $_->{Name} eq 'SalesForceModule::AuthPassword' } @Settings;
    $Self->IsDeeply(
        $Password,
        {
            Name   => 'SalesForceModule::AuthPassword',
            Set    => 1,
            Secret => 1
        },
        'ConnectionSettings: the password only as set',
    );

    # ------------------------------------------------------------ no daemon: nothing starts
    my $DaemonWas = $CacheObject->Get(
        Type => 'DaemonRunning',
        Key  => $NodeID,
    );
    $CacheObject->Delete(
        Type => 'DaemonRunning',
        Key  => $NodeID,
    );
    my ( $RequestID, $Message ) = $AdminScreenObject->RequestStart(
        Type   => 'preview',
        Kind   => 'companies',
        UserID => 1,
    );
    $Self->False( $RequestID, 'RequestStart without the daemon: nothing started' );
    $Self->True( ( $Message // '' ) =~ m{daemon is not running}, '... and says why' );

    # The daemon "runs" from here on (the tasks are run below by hand).
    $CacheObject->Set(
        Type  => 'DaemonRunning',
        Key   => $NodeID,
        Value => 1,
        TTL   => 60,
    );

    # Runs the scheduler task of a request as the daemon's task worker would.
    my $RunTask = sub {
        my ($ID) = @_;
        my @Tasks = grep { $_->{Name} eq 'Kernel::System::SalesForce::AdminScreen-RequestRun()' }
            $SchedulerDBObject->TaskList( Type => 'AsynchronousExecutor' );
        my ($Task) = grep {
            my %Task = $SchedulerDBObject->TaskGet( TaskID => $_->{TaskID} );
            ( $Task{Data}->{Params}->{RequestID} // '' ) eq $ID
        } @Tasks;
        return if !$Task;
        my %Task = $SchedulerDBObject->TaskGet( TaskID => $Task->{TaskID} );
        $SchedulerDBObject->TaskDelete( TaskID => $Task->{TaskID} );
        return $Kernel::OM->Get( $Task{Data}->{Object} )->RequestRun( %{ $Task{Data}->{Params} } );
    };

    # ------------------------------------------------------------ a sync from the screen
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    $DBObject->Do( SQL => "DELETE FROM customer_user_customer WHERE customer_id LIKE '001%'" );
    $DBObject->Do( SQL => "DELETE FROM customer_company WHERE customer_id LIKE '001%'" );
    $CacheObject->CleanUp( Type => 'CustomerCompany' );

    ($RequestID) = $AdminScreenObject->RequestStart(
        Type   => 'sync',
        Kind   => 'companies',
        UserID => 1,
    );
    push @Requests, $RequestID;
    $Self->True( $RequestID, 'RequestStart sync: started' );
    $Self->Is( $AdminScreenObject->RequestGet( RequestID => $RequestID )->{State}, 'queued', '... queued' );
    $Self->True( $RunTask->($RequestID), '... its scheduler task ran' );
    my $Request = $AdminScreenObject->RequestGet( RequestID => $RequestID );
    $Self->Is( $Request->{State},  'done', '... done' );
    $Self->Is( $Request->{Status}, 'ok',   '... ok' );
    my $Run = $RunHistoryObject->RunGet( ID => $Request->{RunID} );
    $Self->Is( $Run->{Trigger}, 'screen', '... recorded in the runs with trigger screen' );
    $Self->True( $Run->{Counts}->{created} >= 20, "... created $Run->{Counts}->{created} companies" );

    # ------------------------------------------------------------ a preview with a hostile name
    my $Hostile = '<script>alert(1)</script>';
    my ($Created) = $SalesForceObject->Create(
        Type => 'Account',
        Name => $Hostile,
    );
    $Self->True( $Created, 'an Account with a hostile name in the fake org' );

    ($RequestID) = $AdminScreenObject->RequestStart(
        Type   => 'preview',
        Kind   => 'companies',
        UserID => 1,
    );
    push @Requests, $RequestID;
    $Self->True( $RunTask->($RequestID), 'preview: its scheduler task ran' );
    my $Page = $AdminScreenObject->PreviewPage(
        RequestID => $RequestID,
        Action    => 'create',
    );
    $Self->Is( $Page->{Counts}->{create}, 1, '... one company to create' );
    $Self->True( index( $Page->{Rows}->[0]->{Name} // '', $Hostile ) == 0, '... with the hostile name' );

    # The frontend module with OTRS's layout: the name as text, never as markup. The request's
    # parameters: OTRS 6 and Znuny read a CGI object (WebRequest), OTOBO an HTTP::Request
    # (HTTPRequest); each ignores the other.
    my $Query = "Action=AdminSalesForce;Subaction=Request;RequestID=$RequestID;Filter=create";
    my %WebRequest;
    if ( eval { require CGI; 1 } ) {
        $WebRequest{WebRequest} = CGI->new($Query);
    }
    if ( eval { require HTTP::Request::Common; 1 } ) {
        $WebRequest{HTTPRequest} = HTTP::Request::Common::GET("http://localhost/index.pl?$Query");
    }
    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::Web::Request' => \%WebRequest,
        'Kernel::Output::HTML::Layout' => {
            UserID => 1,
            Action => 'AdminSalesForce',
        },
    );
    require Kernel::Modules::AdminSalesForce;
    my $HTML = Kernel::Modules::AdminSalesForce->new(
        Action    => 'AdminSalesForce',
        Subaction => 'Request',
        UserID    => 1,
    )->Run();
    $Self->True( index( $HTML, '&lt;script&gt;alert(1)&lt;/script&gt;' ) >= 0, 'the page shows the name escaped' );
    $Self->True( index( $HTML, $Hostile ) < 0,                                 '... and never as a script' );
    $Self->True( index( $HTML, $Info->{password} ) < 0,                        '... and no password' );

    # ------------------------------------------------------------ back as it was
    $CacheObject->Delete(
        Type => 'DaemonRunning',
        Key  => $NodeID,
    );
    if ($DaemonWas) {
        $CacheObject->Set(
            Type  => 'DaemonRunning',
            Key   => $NodeID,
            Value => $DaemonWas,
            TTL   => 60,
        );
    }
    my $Home = $ConfigObject->Get('Home');
    File::Path::remove_tree("$Home/var/salesforce-sync/screen/$_") for grep {$_} @Requests;
}

1;
