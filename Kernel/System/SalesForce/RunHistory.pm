# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::RunHistory;

use strict;
use warnings;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::DB',
    'Kernel::System::DateTime',
    'Kernel::System::JSON',
    'Kernel::System::Log',
);

=head1 NAME

Kernel::System::SalesForce::RunHistory - the history of the sync runs

=head1 DESCRIPTION

Every sync run (by hand, by cron, from the admin screen or from other code;
dry or real; applied, refused or unreadable) is kept as one row of the
package's table C<salesforce_sync_run>: when it started, how long it took,
what ran it, its counts, its exit code, its Salesforce API calls and the whole
report of L<Kernel::System::SalesForce::Sync/Sync()> as JSON (the failed and
skipped records with their reasons included). Runs older than
C<SalesForceModule::RunHistory::RetentionDays> (default 90) are deleted by
L</RunCleanup()>, which the sync calls after each run.

The report holds no secrets (no password, token, key or session id), and
nothing is added to it here.

The SQL is written for every database OTRS 6 supports (PostgreSQL,
MySQL/MariaDB, Oracle): bound values only, no C<LIMIT> in the statement (the
DB object's C<Limit> and C<Start> instead), times as C<YYYY-MM-DD hh:mm:ss>
strings from L<Kernel::System::DateTime>.

=head1 PUBLIC INTERFACE

=head2 new()

Don't use the constructor directly, use the ObjectManager instead:

    my $RunHistoryObject = $Kernel::OM->Get('Kernel::System::SalesForce::RunHistory');

=cut

# The table and its columns (the .sopm's DatabaseInstall creates it).
my $Table = 'salesforce_sync_run';

# The count columns and the report's count names they hold.
my @CountColumns = (
    [ created         => 'created' ],
    [ updated         => 'updated' ],
    [ unchanged       => 'unchanged' ],
    [ invalidated     => 'invalidated' ],
    [ deleted         => 'deleted' ],
    [ skipped         => 'skipped' ],
    [ failed          => 'failed' ],
    [ members_added   => 'memberships_added' ],
    [ members_removed => 'memberships_removed' ],
);

# What may have run a sync.
my %Triggers = map { $_ => 1 } qw(console cron screen api);

# Columns of a list entry, in the order RunList() and RunGet() select them.
my @ListColumns = (
    qw(id kind run_trigger dry_run run_kind status exit_code message started duration_ms api_calls),
    ( map { $_->[0] } @CountColumns ),
    'create_by',
);

# A report larger than this (bytes of JSON) is kept without its parts that grow with the
# data (a dry run's actions first, then the skipped and failed lists beyond MaxListed
# entries each): MySQL's max_allowed_packet may be as small as 4 MiB.
our $MaxReportBytes = 3 * 1024 * 1024;
our $MaxListed      = 1000;

# Unique within a process; with the time and the process id unique across processes.
my $KeyCounter = 0;

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {};
    bless( $Self, $Type );

    return $Self;
}

=head2 RunAdd()

Records one run.

    my $RunID = $RunHistoryObject->RunAdd(
        Report  => \%Report,     # as Kernel::System::SalesForce::Sync::Sync() returns it
        Trigger => 'cron',       # console | cron | screen | api
        Started => 1700000000,   # optional: start time (epoch seconds), default: now minus the report's seconds
        UserID  => 1,            # optional, default 1
    );

Returns the ID of the new run, or undef (with a log entry) on error.

=cut

sub RunAdd {
    my ( $Self, %Param ) = @_;

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');

    if ( ref $Param{Report} ne 'HASH' ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => 'Need Report!',
        );
        return;
    }
    if ( !$Param{Trigger} || !$Triggers{ $Param{Trigger} } ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => 'Need Trigger (one of: ' . join( ', ', sort keys %Triggers ) . ')!',
        );
        return;
    }

    my $Report  = $Param{Report};
    my $Seconds = $Report->{seconds};
    $Seconds = 0 if !defined $Seconds || $Seconds !~ m{\A [0-9]+ (?: \. [0-9]+ )? \z}xms;

    my $StartedEpoch = $Param{Started};
    if ( !defined $StartedEpoch || $StartedEpoch !~ m{\A [0-9]+ (?: \. [0-9]+ )? \z}xms ) {
        $StartedEpoch = $Kernel::OM->Create('Kernel::System::DateTime')->ToEpoch() - $Seconds;
    }
    my $StartedObject = $Kernel::OM->Create(
        'Kernel::System::DateTime',
        ObjectParams => {
            Epoch => int $StartedEpoch,
        },
    );
    if ( !$StartedObject ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => "RunAdd: the start time '$StartedEpoch' is not a time.",
        );
        return;
    }

    my $JSON = $Self->_ReportJSON( Report => $Report );
    return if !defined $JSON;

    my $Counts = ref $Report->{counts} eq 'HASH' ? $Report->{counts} : {};
    my $Run    = ref $Report->{run} eq 'HASH'    ? $Report->{run}    : {};

    # (scalar: the helpers give an empty list for "no value", which would shift the pairs)
    my %Row = (
        run_key     => sprintf( '%d-%d-%d-%06x', time(), $$, ++$KeyCounter, int rand 0xFFFFFF ),
        kind        => scalar _Text( $Report->{kind}, 20 ) // '-',
        run_trigger => $Param{Trigger},
        dry_run     => $Report->{dry_run} ? 1 : 0,
        run_kind    => scalar _Text( $Run->{kind}, 20 ),
        status      => scalar _Text( $Report->{status}, 20 ) // 'error',
        exit_code   => scalar _Integer( $Report->{exit_code} ) // 1,
        message     => scalar _Text( $Report->{message}, 250 ),
        started     => $StartedObject->ToString(),
        duration_ms => int( $Seconds * 1000 + 0.5 ),
        api_calls   => scalar _Integer( $Report->{api_calls} ),
        ( map { $_->[0] => scalar _Integer( $Counts->{ $_->[1] } ) // 0 } @CountColumns ),
        report    => $JSON,
        create_by => scalar _Integer( $Param{UserID} ) || 1,
    );

    my @Columns = (
        qw(run_key kind run_trigger dry_run run_kind status exit_code message started duration_ms api_calls),
        ( map { $_->[0] } @CountColumns ),
        qw(report create_by),
    );
    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Do(
        SQL => "INSERT INTO $Table (" . join( ', ', @Columns ) . ') VALUES ('
            . join( ', ', map {'?'} @Columns ) . ')',
        Bind => [ map { \$Row{$_} } @Columns ],
    );

    return if !$DBObject->Prepare(
        SQL   => "SELECT id FROM $Table WHERE run_key = ?",
        Bind  => [ \$Row{run_key} ],
        Limit => 1,
    );
    my $RunID;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        $RunID = $Row[0];
    }
    if ( !$RunID ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => "RunAdd: the new run (key $Row{run_key}) was not found after the insert.",
        );
        return;
    }

    return $RunID;
}

=head2 RunList()

The runs, newest first, without their reports.

    my @Runs = $RunHistoryObject->RunList(
        Kind   => 'companies',    # optional: companies | customers
        Limit  => 50,             # optional, default 50
        Offset => 0,              # optional: skip this many (newest) runs
    );

Returns a list (empty when there are none or on error):

    (
        {
            ID        => 12,
            Kind      => 'companies',
            Trigger   => 'cron',          # console | cron | screen | api
            DryRun    => 0,
            RunKind   => 'incremental',   # full | incremental, undef when the run never got that far
            Status    => 'ok',            # ok | failed | refused | unreadable | error | locked
            ExitCode  => 0,
            Message   => 'Everything was applied.',
            Started   => '2026-12-02 15:00:00',
            Seconds   => 1.234,
            APICalls  => 3,               # undef when the run never reached Salesforce
            Counts    => { created => 3, updated => 1, unchanged => 10, invalidated => 0, deleted => 0,
                           skipped => 1, failed => 0, memberships_added => 0, memberships_removed => 0 },
            CreateBy  => 1,
        },
        ...
    )

=cut

sub RunList {
    my ( $Self, %Param ) = @_;

    my $Limit  = _Integer( $Param{Limit} )  || 50;
    my $Offset = _Integer( $Param{Offset} ) || 0;

    my $SQL = 'SELECT ' . join( ', ', @ListColumns ) . " FROM $Table";
    my @Bind;
    if ( defined $Param{Kind} && $Param{Kind} ne '' ) {
        $SQL .= ' WHERE kind = ?';
        push @Bind, \$Param{Kind};
    }
    $SQL .= ' ORDER BY started DESC, id DESC';

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Prepare(
        SQL   => $SQL,
        Bind  => \@Bind,
        Limit => $Limit,
        Start => $Offset,
    );

    my @Runs;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        push @Runs, _RunFromRow( \@Row );
    }

    return @Runs;
}

=head2 RunCount()

How many runs the history holds.

    my $Count = $RunHistoryObject->RunCount(
        Kind => 'companies',    # optional
    );

Returns the number, or undef on error.

=cut

sub RunCount {
    my ( $Self, %Param ) = @_;

    my $SQL = "SELECT COUNT(*) FROM $Table";
    my @Bind;
    if ( defined $Param{Kind} && $Param{Kind} ne '' ) {
        $SQL .= ' WHERE kind = ?';
        push @Bind, \$Param{Kind};
    }

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Prepare(
        SQL  => $SQL,
        Bind => \@Bind,
    );
    my $Count;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        $Count = $Row[0];
    }

    return $Count // 0;
}

=head2 RunGet()

One run with its whole report.

    my $Run = $RunHistoryObject->RunGet(
        ID => 12,
    );

Returns the run as L</RunList()> lists it, plus C<Report> (the decoded report of
L<Kernel::System::SalesForce::Sync/Sync()>), and C<ReportJSON> (the report as
stored, for a download); undef when there is no such run or on error.

=cut

sub RunGet {
    my ( $Self, %Param ) = @_;

    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');

    my $ID = _Integer( $Param{ID} );
    if ( !$ID ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => 'Need ID!',
        );
        return;
    }

    my $DBObject = $Kernel::OM->Get('Kernel::System::DB');
    return if !$DBObject->Prepare(
        SQL   => 'SELECT ' . join( ', ', @ListColumns, 'report' ) . " FROM $Table WHERE id = ?",
        Bind  => [ \$ID ],
        Limit => 1,
    );
    my $Run;
    while ( my @Row = $DBObject->FetchrowArray() ) {
        my $JSON = pop @Row;
        $Run = _RunFromRow( \@Row );
        $Run->{ReportJSON} = $JSON // '';
    }
    return if !$Run;

    my $Report = $Run->{ReportJSON} ne ''
        ? $Kernel::OM->Get('Kernel::System::JSON')->Decode( Data => $Run->{ReportJSON} )
        : undef;
    if ( ref $Report ne 'HASH' ) {
        $LogObject->Log(
            Priority => 'error',
            Message  => "RunGet: the report of run $ID is not a JSON object.",
        );
        $Report = {};
    }
    $Run->{Report} = $Report;

    return $Run;
}

=head2 RunCleanup()

Deletes the runs that started more than C<SalesForceModule::RunHistory::RetentionDays>
days ago (default 90).

    my $Success = $RunHistoryObject->RunCleanup(
        Days => 30,    # optional: instead of the setting
    );

Returns true, or undef (with a log entry) on error.

=cut

sub RunCleanup {
    my ( $Self, %Param ) = @_;

    my $Days = _Integer( $Param{Days} )
        || _Integer( $Kernel::OM->Get('Kernel::Config')->Get('SalesForceModule::RunHistory::RetentionDays') )
        || 90;

    my $DateTimeObject = $Kernel::OM->Create('Kernel::System::DateTime');
    return if !$DateTimeObject;
    return if !$DateTimeObject->Subtract( Days => $Days );
    my $Before = $DateTimeObject->ToString();

    return $Kernel::OM->Get('Kernel::System::DB')->Do(
        SQL  => "DELETE FROM $Table WHERE started < ?",
        Bind => [ \$Before ],
    );
}

=begin Internal:

=cut

# The report as JSON; too large a report is kept without its lists that grow with the data.
sub _ReportJSON {
    my ( $Self, %Param ) = @_;

    my $JSONObject = $Kernel::OM->Get('Kernel::System::JSON');
    my %Report     = %{ $Param{Report} };
    my $Encode     = sub {
        return $JSONObject->Encode(
            Data     => \%Report,
            SortKeys => 1,
        );
    };

    my $JSON = $Encode->();
    if ( !defined $JSON ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => 'RunAdd: the report cannot be written as JSON.',
        );
        return;
    }

    if ( length $JSON > $MaxReportBytes && ref $Report{actions} eq 'ARRAY' ) {
        $Report{actions_left_out} = scalar @{ $Report{actions} };
        delete $Report{actions};
        $JSON = $Encode->();
    }
    if ( length $JSON > $MaxReportBytes ) {
        for my $List (qw(skipped failed)) {
            next if ref $Report{$List} ne 'ARRAY' || @{ $Report{$List} } <= $MaxListed;
            $Report{"${List}_left_out"} = @{ $Report{$List} } - $MaxListed;
            $Report{$List} = [ @{ $Report{$List} }[ 0 .. $MaxListed - 1 ] ];
        }
        $JSON = $Encode->();
    }

    return $JSON;
}

sub _RunFromRow {
    my ($Row) = @_;

    my %Column;
    @Column{@ListColumns} = @{$Row};

    return {
        ID       => $Column{id},
        Kind     => $Column{kind},
        Trigger  => $Column{run_trigger},
        DryRun   => $Column{dry_run} ? 1 : 0,
        RunKind  => $Column{run_kind},
        Status   => $Column{status},
        ExitCode => $Column{exit_code},
        Message  => $Column{message},
        Started  => $Column{started},
        Seconds  => defined $Column{duration_ms} ? $Column{duration_ms} / 1000 : undef,
        APICalls => $Column{api_calls},
        Counts   => { map { $_->[1] => $Column{ $_->[0] } // 0 } @CountColumns },
        CreateBy => $Column{create_by},
    };
}

# A whole number (as a number), or undef.
sub _Integer {
    my ($Value) = @_;

    return if !defined $Value || $Value !~ m{\A -? [0-9]{1,18} \z}xms;
    return $Value + 0;
}

# A text cut to at most $Length characters, or undef when empty (Oracle stores '' as NULL).
sub _Text {
    my ( $Value, $Length ) = @_;

    return if !defined $Value || ref $Value || $Value eq '';
    return length $Value > $Length ? substr( $Value, 0, $Length - 3 ) . '...' : "$Value";
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
