# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::Modules::AdminSalesForce;

use strict;
use warnings;

our $ObjectManagerDisabled = 1;

=head1 NAME

Kernel::Modules::AdminSalesForce - the admin screen Admin -> Salesforce

=head1 DESCRIPTION

The web side of the screen: reads the request, checks it, asks
L<Kernel::System::SalesForce::AdminScreen> (and the run history) and renders
F<AdminSalesForce.tt>. Only agents of the group C<admin> reach it (its
C<Frontend::Module> registration). Every action that changes or starts something
must be a POST with the OTRS challenge token; the views are GETs.

    Subaction               method  what
    (none)                  GET     connection, schedule, runs, preview and run-now forms
    ConnectionTest          POST    signs in to Salesforce, shows the result on the overview
    RequestStart            POST    starts a preview or a sync as a daemon task (Type, Kind)
    Request                 GET     a request: its progress, then the preview or the run
    RequestStatus           GET     the request's progress as JSON (polled by the page)
    Run                     GET     one run with its failed and skipped records
    RunDownload             GET     one run's report as a JSON file

=cut

# The Subactions that act: POST and challenge token only.
my %IsAction = map { $_ => 1 } qw(ConnectionTest RequestStart);

# Runs per page of the overview.
my $RunsPageSize = 25;

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {%Param};
    bless( $Self, $Type );

    return $Self;
}

sub Run {
    my ( $Self, %Param ) = @_;

    my $LayoutObject = $Kernel::OM->Get('Kernel::Output::HTML::Layout');
    my $Subaction    = $Self->{Subaction} // '';

    if ( $IsAction{$Subaction} ) {
        if ( $Self->_RequestMethod() ne 'POST' ) {
            return $LayoutObject->ErrorScreen(
                Message => Translatable('This action needs a form submission (POST).'),
            );
        }

        # Dies with an error screen when the token is missing or wrong.
        $LayoutObject->ChallengeTokenCheck();
    }

    return $Self->_ConnectionTest() if $Subaction eq 'ConnectionTest';
    return $Self->_RequestStart()   if $Subaction eq 'RequestStart';
    return $Self->_Request()        if $Subaction eq 'Request';
    return $Self->_RequestStatus()  if $Subaction eq 'RequestStatus';
    return $Self->_Run()            if $Subaction eq 'Run';
    return $Self->_RunDownload()    if $Subaction eq 'RunDownload';
    return $Self->_Overview();
}

# A string for the translation tools; translated where it is shown.
sub Translatable {
    return $_[0];
}

# OTOBO (PSGI) tells the method through its request object; OTRS 6 runs under CGI or
# mod_perl, which set REQUEST_METHOD.
sub _RequestMethod {
    my ( $Self, %Param ) = @_;

    my $ParamObject = $Kernel::OM->Get('Kernel::System::Web::Request');
    return $ParamObject->RequestMethod() // '' if $ParamObject->can('RequestMethod');
    return $ENV{REQUEST_METHOD} // '';
}

sub _ConnectionTest {
    my ( $Self, %Param ) = @_;

    return $Self->_Overview(
        ConnectionResult => $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen')->ConnectionTest(),
    );
}

sub _RequestStart {
    my ( $Self, %Param ) = @_;

    my $ParamObject  = $Kernel::OM->Get('Kernel::System::Web::Request');
    my $LayoutObject = $Kernel::OM->Get('Kernel::Output::HTML::Layout');

    my ( $RequestID, $Message ) = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen')->RequestStart(
        Type   => $ParamObject->GetParam( Param => 'Type' ) // '',
        Kind   => $ParamObject->GetParam( Param => 'Kind' ) // '',
        UserID => $Self->{UserID},
    );
    if ( !$RequestID ) {
        return $Self->_Overview( Problem => $Message );
    }
    return $LayoutObject->Redirect( OP => "Action=$Self->{Action};Subaction=Request;RequestID=$RequestID" );
}

sub _Request {
    my ( $Self, %Param ) = @_;

    my $ParamObject       = $Kernel::OM->Get('Kernel::System::Web::Request');
    my $AdminScreenObject = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen');

    my $RequestID = $ParamObject->GetParam( Param => 'RequestID' ) // '';
    my $Request   = $AdminScreenObject->RequestGet( RequestID => $RequestID );
    return $Self->_Overview( Problem => Translatable('This request is unknown or has expired.') ) if !$Request;

    my %Data = (
        View    => 'Request',
        Request => $Request,
    );
    if ( $Request->{State} eq 'done' && $Request->{Type} eq 'preview' ) {
        my $Filter = $ParamObject->GetParam( Param => 'Filter' ) // '';
        $Data{Filter}  = $Filter;
        $Data{Preview} = $AdminScreenObject->PreviewPage(
            RequestID => $RequestID,
            Action    => $Filter,
            Page      => $ParamObject->GetParam( Param => 'Page' ),
            PageSize  => 50,
        );
    }
    if ( $Request->{RunID} ) {
        $Data{Run} = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory')->RunGet( ID => $Request->{RunID} );
    }

    return $Self->_Page(%Data);
}

sub _RequestStatus {
    my ( $Self, %Param ) = @_;

    my $LayoutObject = $Kernel::OM->Get('Kernel::Output::HTML::Layout');
    my $RequestID    = $Kernel::OM->Get('Kernel::System::Web::Request')->GetParam( Param => 'RequestID' ) // '';
    my $Request      = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen')->RequestGet(
        RequestID => $RequestID,
    );

    my %Status
        = $Request
        ? ( map { $_ => $Request->{$_} } qw(State Stage Done Total Status Message) )
        : ( State => 'unknown' );
    return $LayoutObject->Attachment(
        ContentType => 'application/json; charset=utf-8',
        Content     => $LayoutObject->JSONEncode( Data => \%Status ),
        Type        => 'inline',
        NoCache     => 1,
    );
}

sub _Run {
    my ( $Self, %Param ) = @_;

    my $ID  = $Kernel::OM->Get('Kernel::System::Web::Request')->GetParam( Param => 'ID' ) // '';
    my $Run = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory')->RunGet( ID => $ID );
    return $Self->_Overview( Problem => Translatable('This run is unknown or was removed by the retention.') )
        if !$Run;

    delete $Run->{ReportJSON};
    return $Self->_Page(
        View => 'Run',
        Run  => $Run,
    );
}

sub _RunDownload {
    my ( $Self, %Param ) = @_;

    my $LayoutObject = $Kernel::OM->Get('Kernel::Output::HTML::Layout');
    my $ID           = $Kernel::OM->Get('Kernel::System::Web::Request')->GetParam( Param => 'ID' ) // '';
    my $Run          = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory')->RunGet( ID => $ID );
    return $Self->_Overview( Problem => Translatable('This run is unknown or was removed by the retention.') )
        if !$Run;

    return $LayoutObject->Attachment(
        ContentType => 'application/json; charset=utf-8',
        Content     => $Run->{ReportJSON},
        Filename    => "salesforce-sync-run-$Run->{ID}.json",
        Type        => 'attachment',
    );
}

sub _Overview {
    my ( $Self, %Param ) = @_;

    my $ParamObject       = $Kernel::OM->Get('Kernel::System::Web::Request');
    my $RunHistoryObject  = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');
    my $AdminScreenObject = $Kernel::OM->Get('Kernel::System::SalesForce::AdminScreen');

    my $Kind = $ParamObject->GetParam( Param => 'RunKind' ) // '';
    $Kind = '' if $Kind ne 'companies' && $Kind ne 'customers';
    my $Count = $RunHistoryObject->RunCount( $Kind ? ( Kind => $Kind ) : () ) // 0;
    my $Pages = $Count ? int( ( $Count + $RunsPageSize - 1 ) / $RunsPageSize ) : 1;
    my $Page  = $ParamObject->GetParam( Param => 'RunsPage' ) // 1;
    $Page = 1      if $Page !~ m{\A [0-9]{1,9} \z}xms || $Page < 1;
    $Page = $Pages if $Page > $Pages;

    return $Self->_Page(
        View       => 'Overview',
        Connection => [ $Kernel::OM->Get('Kernel::System::SalesForce')->ConnectionSettings() ],
        Schedule   => [ $AdminScreenObject->Schedule() ],
        Daemon     => $AdminScreenObject->DaemonRunning(),
        Runs       => [
            $RunHistoryObject->RunList(
                ( $Kind ? ( Kind => $Kind ) : () ),
                Limit  => $RunsPageSize,
                Offset => ( $Page - 1 ) * $RunsPageSize,
            )
        ],
        RunsFilter       => $Kind,
        RunsPage         => $Page,
        RunsPages        => $Pages,
        RunsCount        => $Count,
        Retention        => $Kernel::OM->Get('Kernel::Config')->Get('SalesForceModule::RunHistory::RetentionDays'),
        ConnectionResult => $Param{ConnectionResult},
        Problem          => $Param{Problem},
    );
}

# The whole page: header, navigation, the screen, footer.
sub _Page {
    my ( $Self, %Data ) = @_;

    my $LayoutObject = $Kernel::OM->Get('Kernel::Output::HTML::Layout');

    my $Output = $LayoutObject->Header();
    $Output .= $LayoutObject->NavigationBar();
    $Output .= $LayoutObject->Output(
        TemplateFile => 'AdminSalesForce',
        Data         => \%Data,
    );
    $Output .= $LayoutObject->Footer();
    return $Output;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
