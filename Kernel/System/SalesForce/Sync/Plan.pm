# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync::Plan;

use strict;
use warnings;

# A part of Kernel::System::SalesForce::Sync, never loaded through the object manager itself.
our $ObjectManagerDisabled = 1;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::Log',
    'Kernel::System::SalesForce',
);

=head1 NAME

Kernel::System::SalesForce::Sync::Plan - part of Kernel::System::SalesForce::Sync: ask the planner

=head1 DESCRIPTION

Builds the planner settings from SysConfig and asks the Rust planner for a
plan (ARCHITECTURE.md, "Planner input" and "Plan (output)"). The planner checks
and normalises the settings, converts Salesforce datetimes to the OTRS form
and counts the API calls of its fetch; this part only maps.

=head1 PUBLIC INTERFACE

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

    my $Attributes = $Get->("$Kind\::AddAttributesToParams");
    my $Limit      = $Param{Limit}     // $Get->("$Kind\::Limit");
    my $ValidData  = $Param{ValidData} // $Get->('ValidData');
    my $MaxShare   = $Get->('Cleanup::MaxSharePercent');
    $MaxShare = 10 if !defined $MaxShare || $MaxShare !~ m{\A \d+ (?:\.\d+)? \z}smx;
    $Limit    = ( $Limit && $Limit =~ m{\A \d+ \z}smx ) ? int $Limit : undef;

    # Blank attributes, Where and name format are the planner's to drop (it trims them).
    my %Settings = (
        attributes        => ( ref $Attributes eq 'HASH' ? $Attributes : {} ),
        where             => $Get->("$Kind\::Where"),
        limit             => $Limit,
        valid_data        => $ValidData ? \1 : \0,
        delete_old        => $Param{DeleteOld} // $Get->("$Kind\::DeleteOld") // '',
        cleanup_action    => ( ( $Get->('Cleanup::Action') // '' ) eq 'delete' ? 'delete' : 'invalidate' ),
        cleanup_max_share => $MaxShare / 100,
        force             => $Param{Force}              ? \1 : \0,
        revalidate_manual => $Get->('RevalidateManual') ? \1 : \0,
    );
    if ( $Kind eq 'Companies' ) {
        $Settings{name_format} = $Get->('Companies::NameFormat');
    }
    else {
        $Settings{mode}        = ( $Get->('Customers::Mode')       // '' ) eq 'Contact' ? 'Contact' : 'AccountOwner';
        $Settings{login_field} = ( $Get->('Customers::LoginField') // '' ) eq 'Email'   ? 'Email'   : 'Id';
        $Settings{default_customer_id} = $Get->('Customers::DefaultCustomerID');
    }
    return \%Settings;
}

=head2 Plan()

Asks the planner for a plan: calls C<sync_plan> on L<Kernel::System::SalesForce>,
which logs in, fetches every page and plans. A failed login or fetch gives undef,
never a partial plan; C<LastError()> then says why.

    my $Plan = $SyncObject->Plan(
        Kind       => 'companies',
        Settings   => $Settings,
        State      => $State,
        Run        => $Run,                      # optional, see RunRequest()
        SalesForce => { SF_AUTHUSER => '...' },    # optional constructor overrides
    );

Returns the plan (ARCHITECTURE.md, "Plan (output)") or undef. The plan
gets a C<usage> entry: the API calls of its fetch, the logins and retries of
this run and the org's limit info.

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

    my $Plan = $SalesForceObject->Call(
        Method => 'sync_plan',
        Args   => {
            kind     => $Param{Kind},
            settings => $Param{Settings},
            otrs     => $Param{State},
            ( $Param{Run} ? ( run => $Param{Run} ) : () ),
        },
    );
    if ( ref $Plan ne 'HASH' || ref $Plan->{actions} ne 'ARRAY' ) {
        $Self->{LastError} = $Self->_PlanError( $SalesForceObject, $Plan );
        return;
    }
    my $Usage = $SalesForceObject->Call(
        Method => 'usage',
        Args   => {},
    );

    # The planner counts the API calls, logins and retries of its fetch; logins
    # and retries move to usage, so the report's fetch keeps its shape.
    my $Fetch = ref $Plan->{fetch} eq 'HASH' ? $Plan->{fetch} : {};
    my %Run   = map { $_ => delete $Fetch->{$_} } qw(logins retries);
    if ( ref $Usage eq 'HASH' ) {
        $Plan->{usage} = {
            api_calls  => $Fetch->{api_calls},
            logins     => $Run{logins},
            retries    => $Run{retries},
            limit_info => $Usage->{limit_info},
        };
    }
    return $Plan;
}

=head2 RunRequest()

What kind of run to ask the planner for (ARCHITECTURE.md, "Incremental runs"):
the mirror file of the kind, C<auto> (incremental when possible) unless
C<SalesForceModule::Sync::Incremental> is off or C<RunKind> says otherwise, and the
full-run interval.

    my $Run = $SyncObject->RunRequest(
        Kind    => 'companies',
        RunKind => 'full',    # optional: full | incremental
    );

=cut

sub RunRequest {
    my ( $Self, %Param ) = @_;

    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    my $Hours        = $ConfigObject->Get('SalesForceModule::Sync::FullRunIntervalHours') // '';
    my $Mode = $Param{RunKind} || ( $ConfigObject->Get('SalesForceModule::Sync::Incremental') ? 'auto' : 'full' );

    return {
        mirror => $Self->_MirrorFile( Kind => $Param{Kind} ),
        mode   => $Mode,
        ( $Hours =~ m{\A [0-9]+ (?:\.[0-9]+)? \z}smx && $Hours > 0 ? ( full_interval_hours => $Hours + 0 ) : () ),
    };
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

=begin Internal:

=cut

# The error of a failed sync_plan call, with the names of the library's error
# (ARCHITECTURE.md, "Errors"); Kernel::System::SalesForce reports CamelCase keys.
sub _PlanError {
    my ( $Self, $SalesForceObject, $Plan ) = @_;

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
    return \%Normalised;
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

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
