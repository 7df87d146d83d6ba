# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::Sync::StateFile;

use strict;
use warnings;

use File::Path();

# A part of Kernel::System::SalesForce::Sync, never loaded through the object manager itself.
our $ObjectManagerDisabled = 1;

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::JSON',
    'Kernel::System::Log',
    'Kernel::System::Main',
);

=head1 NAME

Kernel::System::SalesForce::Sync::StateFile - part of Kernel::System::SalesForce::Sync: the state file

=head1 DESCRIPTION

The IDs this sync set invalid are kept in a small JSON state file per kind,
C<E<lt>OTRS HomeE<gt>/var/salesforce-sync/companies.json> and C<customers.json>
(written with L<Kernel::System::Main/FileWrite()>), so that records which come
back to Salesforce are made valid again, while records an agent set invalid by
hand stay invalid (unless C<SalesForceModule::RevalidateManual> is on). The file
also holds a summary of the last run. Deleting it only means that records the
sync invalidated earlier are treated like hand-invalidated ones.

Next to it, C<companies.mirror> and C<customers.mirror> keep the Salesforce
records of the last applied run, which incremental runs build on (see
ARCHITECTURE.md, "Incremental runs"). A run writes its own as C<*.mirror.new>;
it replaces the old one once the run was applied. Deleting a mirror only means
that the next run is a full one.

This part has no public functions: L<Kernel::System::SalesForce::Sync/Sync()>
saves the file, L<Kernel::System::SalesForce::Sync::OTRSState/OTRSState()> reads it.

=begin Internal:

=head2 _StateFile()

The directory and the path of the state file of a kind.

    my ( $Directory, $File ) = $SyncObject->_StateFile( Kind => 'companies' );

=cut

sub _StateFile {
    my ( $Self, %Param ) = @_;

    my $Home = $Kernel::OM->Get('Kernel::Config')->Get('Home');
    return ( "$Home/var/salesforce-sync", "$Home/var/salesforce-sync/$Param{Kind}.json" );
}

=head2 _StateLoad()

The stored state of a kind (C<{}> if there is none or it is unreadable;
C<sync_invalidated> is always a list).

    my $State = $SyncObject->_StateLoad( Kind => 'companies' );

=cut

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

=head2 _StateSave()

Stores the IDs invalidated by this sync (as far as OTRS accepted them and the
plan keeps them) and a summary of the run.

    my $Success = $SyncObject->_StateSave(
        Kind   => 'companies',
        Report => $Report,
        Status => 'ok',
    );

Returns 1, or undef (logged) if the file could not be written.

=cut

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

=head2 _MirrorFile()

The path of the mirror of a kind (the directory is made if needed).

    my $File = $SyncObject->_MirrorFile( Kind => 'companies' );

=cut

sub _MirrorFile {
    my ( $Self, %Param ) = @_;

    my ($Directory) = $Self->_StateFile(%Param);
    File::Path::make_path($Directory) if !-d $Directory;
    return "$Directory/$Param{Kind}.mirror";
}

=head2 _MirrorKeep()

Puts the mirror a run wrote (the plan's C<run.mirror_next>) in place of the old
one (C<Keep>: an applied run), or removes it (a dry run). Returns 1, or undef
(logged) if it could not be put in place; the next run then reads the same
changes again.

    my $Success = $SyncObject->_MirrorKeep(
        Plan => $Plan,
        Keep => 1,
    );

=cut

sub _MirrorKeep {
    my ( $Self, %Param ) = @_;

    my $Next = ref $Param{Plan}->{run} eq 'HASH' ? $Param{Plan}->{run}->{mirror_next} : undef;
    return 1 if !$Next || !-e $Next;
    if ( !$Param{Keep} ) {
        unlink $Next;
        return 1;
    }
    ( my $Mirror = $Next ) =~ s{\.new\z}{}xms;
    return 1 if rename $Next, $Mirror;
    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'error',
        Message  => "SalesForce sync: could not replace the mirror $Mirror: $!",
    );
    unlink $Next;
    return;
}

=end Internal:

=cut

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
