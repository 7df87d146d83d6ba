# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package var::packagesetup::SalesForceCustomerSync;    ## no critic

use strict;
use warnings;

use Config     qw(%Config);
use File::Path qw();
use File::Spec;
use File::Temp qw();
use POSIX      qw();

our @ObjectDependencies = (
    'Kernel::Config',
    'Kernel::System::Log',
    'Kernel::System::SalesForce',
    'Kernel::System::SalesForce::LookupIndex',
    'Kernel::System::SysConfig',
);

=head1 NAME

var::packagesetup::SalesForceCustomerSync - install, upgrade and uninstall code of SalesForce-Customer-Sync-CE

=head1 DESCRIPTION

Called from the Code* blocks of F<SalesForce-Customer-Sync-CE.sopm>.

=over 4

=item * Before any file is written (install and upgrade, C<Type="pre">), the
native part shipped in the package (F<Kernel/cpan-lib/SalesForce/XS.pm>,
F<SalesForce/XS/Native.pm>, the core F<auto/SalesForce/XS/libsfclient.so>
and one glue F<auto/SalesForce/XS/E<lt>keyE<gt>/XS.so> per Perl ABI) is
written to a temporary directory and loaded by this host's Perl in a separate
process: the facade picks the glue built for this Perl, and says so in one
line when the package has none. On a fresh
install from the console (C<otrs.Console.pl>, C<znuny.Console.pl> or
C<otobo.Console.pl Admin::Package::Install>) a failure stops the installation before anything
is installed (exit code 1). Anywhere else OTRS cannot be stopped by package
code, so the failure is written to the OTRS log at error level and to STDERR.

=item * After the files are installed, the same check runs against the
installed files.

=item * On upgrade, cron tasks the admin changed that still call the
console command with C<Function =E<gt> Run> (SalesForce-Customer-Sync-CE
6.0.1) are switched to C<Execute>, keeping every other value. Settings keep
their values because their names did not change. The C<customer_ids> column
that 6.0.1 added to C<customer_user> and its data are left alone.

=item * On install, upgrade and reinstall, on PostgreSQL, the indexes of
L<Kernel::System::SalesForce::LookupIndex> are created (so that a first import
of many people does not slow down as the table grows).

=item * On uninstall nothing but the package's own files, settings, run history
and lookup indexes goes away: customer companies, customer users, their
memberships, the C<customer_ids> column and the sync's state directory
F<var/salesforce-sync/> stay.

=back

Set the environment variable C<SALESFORCE_SYNC_SKIP_NATIVE_CHECK=1> to
install even though the native part does not load (the sync commands will
not work until it does).

=head1 PUBLIC INTERFACE

=head2 new()

    my $SetupObject = $Kernel::OM->Get('var::packagesetup::SalesForceCustomerSync');

=cut

our $PackageName = 'SalesForce-Customer-Sync-CE';

# The native part: these files, plus one glue auto/SalesForce/XS/<key>/XS.so per Perl ABI.
our @NativeLocations = (
    'Kernel/cpan-lib/SalesForce/XS.pm',
    'Kernel/cpan-lib/SalesForce/XS/Native.pm',
    'Kernel/cpan-lib/auto/SalesForce/XS/libsfclient.so',
);
our $NativeLocationRegex = qr{\A Kernel/cpan-lib/ (?: SalesForce/ | auto/SalesForce/XS/ ) }xms;

our @CronTasks = qw(SalesForceSyncCompanies SalesForceSyncCustomers);

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {};
    bless( $Self, $Type );

    return $Self;
}

=head2 CodeInstallPre()

Checks, before any file is written, that the native part in the package
loads in this Perl. Stops a console install when it does not.

    $SetupObject->CodeInstallPre(
        Structure => $Param{Structure},    # as given to the Code blocks by the package manager
    );

=cut

sub CodeInstallPre {
    my ( $Self, %Param ) = @_;

    my %Check = $Self->NativeCheck(
        Files => $Self->_NativeFilesFromStructure( Structure => $Param{Structure} ),
    );
    return 1 if $Check{Success};

    return $Self->_NativeFailure(
        %Check,
        Phase => 'install',
        Stop  => 1,
    );
}

=head2 CodeInstall()

After install: checks the installed native part and logs what to do next.

    $SetupObject->CodeInstall();

=cut

sub CodeInstall {
    my ( $Self, %Param ) = @_;

    my %Check = $Self->NativeCheck( Directory => $Self->_CpanLibDirectory() );
    if ( !$Check{Success} ) {
        return $Self->_NativeFailure(
            %Check,
            Phase => 'install',
        );
    }

    $Self->LookupIndexesCreate();
    $Self->_Notice(
        "$PackageName installed; native part SalesForce::XS $Check{Version} loads. "
            . 'Set the credentials (Admin -> System Configuration -> Core::SalesForce), try '
            . '"Admin::SalesForce::SyncCompanies --dry-run", then enable the cron tasks '
            . join( ' and ', map {"Daemon::SchedulerCronTaskManager::Task###$_"} @CronTasks ) . '.'
    );

    return 1;
}

=head2 CodeUpgradePre()

Before the new files replace the old ones: the same check as L</CodeInstallPre()>.
An upgrade cannot be stopped at this point (the package manager has already
registered the new version), so a failure is reported loudly and the upgrade
continues.

    $SetupObject->CodeUpgradePre( Structure => $Param{Structure} );

=cut

sub CodeUpgradePre {
    my ( $Self, %Param ) = @_;

    my %Check = $Self->NativeCheck(
        Files => $Self->_NativeFilesFromStructure( Structure => $Param{Structure} ),
    );
    return 1 if $Check{Success};

    return $Self->_NativeFailure(
        %Check,
        Phase => 'upgrade',
    );
}

=head2 CodeUpgrade()

After upgrade: checks the installed native part, switches cron tasks changed
by the admin from C<Function =E<gt> Run> to C<Execute> (empty C<Params> become
C<--quiet>, the new default) and warns about an API
version Salesforce has retired.

    $SetupObject->CodeUpgrade();

=cut

sub CodeUpgrade {
    my ( $Self, %Param ) = @_;

    my %Check = $Self->NativeCheck( Directory => $Self->_CpanLibDirectory() );
    if ( !$Check{Success} ) {
        $Self->_NativeFailure(
            %Check,
            Phase => 'upgrade',
        );
    }

    $Self->MigrateCronTasks();
    $Self->LookupIndexesCreate();

    # The settings are checked by the native client.
    if ( $Check{Success} ) {
        $Self->CheckAPIVersion();
    }

    $Self->_Notice("$PackageName upgraded. Settings keep their values.");

    return 1;
}

=head2 LookupIndexesCreate()

Creates the indexes of L<Kernel::System::SalesForce::LookupIndex> and says
what it did: which indexes are in place, or why there are none. A failure is
logged at error level and does not stop the install (the sync works without
the indexes, only a large first import is slow).

    $SetupObject->LookupIndexesCreate();

=cut

sub LookupIndexesCreate {
    my ( $Self, %Param ) = @_;

    my %Result = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex')->Create();
    for my $Failure ( @{ $Result{Failed} } ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "$PackageName: could not create the index $Failure->[0] ($Failure->[1]). The sync works "
                . 'without it, but a first import of many people slows down as customer_user grows. See '
                . 'doc/en/SalesForce.md, "Large first imports".',
        );
    }
    if ( @{ $Result{Created} } ) {
        $Self->_Notice(
            "$PackageName: indexes for the customer user lookups in place: "
                . join( ', ', @{ $Result{Created} } )
                . '.'
        );
    }
    elsif ( $Result{Reason} ) {
        $Self->_Notice(
            "$PackageName: no indexes for the customer user lookups: $Result{Reason}. See "
                . 'doc/en/SalesForce.md, "Large first imports".'
        );
    }

    return 1;
}

=head2 MigrationNotice()

Says what changed for data written by version 6.0.1. Called on upgrades from a version
below 6.1.0 only (C<< <CodeUpgrade Version="6.1.0"> >> in the .sopm).

    $SetupObject->MigrationNotice();

=cut

sub MigrationNotice {
    my ( $Self, %Param ) = @_;

    $Self->_Notice(
        'The column customer_user.customer_ids written by version 6.0.1 is kept with its data but no longer '
            . 'written: memberships are now kept in customer_user_customer. See doc/en/SalesForce.md, '
            . '"Migration from 6.0.1".'
    );
    return 1;
}

=head2 CodeReinstall()

After reinstall: creates the lookup indexes and checks the installed native part.

    $SetupObject->CodeReinstall();

=cut

sub CodeReinstall {
    my ( $Self, %Param ) = @_;

    $Self->LookupIndexesCreate();

    my %Check = $Self->NativeCheck( Directory => $Self->_CpanLibDirectory() );
    return 1 if $Check{Success};

    return $Self->_NativeFailure(
        %Check,
        Phase => 'reinstall',
    );
}

=head2 CodeUninstall()

Before uninstall: drops the lookup indexes of
L<Kernel::System::SalesForce::LookupIndex>. The package manager removes the
package's files and settings, and its C<DatabaseUninstall> drops the run
history (table C<salesforce_sync_run>); customer companies, customer users,
their memberships and the C<customer_ids> column stay. Logs that.

    $SetupObject->CodeUninstall();

=cut

sub CodeUninstall {
    my ( $Self, %Param ) = @_;

    my @Dropped = $Kernel::OM->Get('Kernel::System::SalesForce::LookupIndex')->Drop();
    $Self->_Notice(
        "Uninstalling $PackageName: its files and settings (including the Salesforce credentials) "
            . 'are removed, and the run history (the table salesforce_sync_run: every recorded sync run with its '
            . 'report) is dropped. Customer companies and customer users created by the sync stay, with their '
            . 'memberships; the column customer_user.customer_ids (if an earlier version added it) stays too, '
            . 'and so do var/salesforce-sync/ (which records the sync set invalid, the mirrors of incremental '
            . 'runs and the previews of the admin screen) and the lock file var/tmp/SalesForceSync.lock; delete '
            . 'them by hand if you do not reinstall.'
            . ( @Dropped ? ' Indexes dropped: ' . join( ', ', @Dropped ) . '.' : '' )
    );

    return 1;
}

=head2 NativeCheck()

Loads the native part in a separate Perl process (this host's Perl, without
PERL5LIB) and reports whether it works. Either give the package files, which
are written to a temporary directory laid out like F<Kernel/cpan-lib>, or a
directory to use as that layout.

    my %Check = $SetupObject->NativeCheck(
        Files => {
            'Kernel/cpan-lib/SalesForce/XS.pm'                                        => $FacadeContent,
            'Kernel/cpan-lib/SalesForce/XS/Native.pm'                                 => $NativeContent,
            'Kernel/cpan-lib/auto/SalesForce/XS/libsfclient.so'                       => $CoreContent,
            'Kernel/cpan-lib/auto/SalesForce/XS/5.36-x86_64-linux-thread-multi/XS.so' => $GlueContent,
        },
    );
    # or
    my %Check = $SetupObject->NativeCheck( Directory => '/opt/otrs/Kernel/cpan-lib' );

Returns:

    %Check = (
        Success => 1,
        Version => '6.4.0',          # SalesForce::XS::version()
        Perl    => '/usr/bin/perl 5.36.0 x86_64-linux-gnu-thread-multi',
    );
    # or
    %Check = (
        Success => 0,
        Message => 'the reason, from the loader',
        Perl    => '...',
    );

=cut

sub NativeCheck {
    my ( $Self, %Param ) = @_;

    my $Perl        = $Self->_PerlPath();
    my $Description = sprintf '%s %vd %s', $Perl, $^V, $Config{archname};

    my $Directory = $Param{Directory};
    my $TempDirectory;
    if ( $Param{Files} ) {
        my @Missing = grep { !defined $Param{Files}->{$_} } @NativeLocations;
        if (@Missing) {
            return (
                Success => 0,
                Message => 'the package does not contain ' . join( ', ', @Missing ),
                Perl    => $Description,
            );
        }
        $TempDirectory = File::Temp->newdir( 'salesforce-native-check-XXXXXX', TMPDIR => 1 );
        for my $Location ( sort keys %{ $Param{Files} } ) {
            my $Relative = $Location =~ s{\A Kernel/cpan-lib/}{}xmsr;
            my $Path     = File::Spec->catfile( $TempDirectory->dirname(), split m{/}xms, $Relative );
            my ( $Volume, $Parent ) = File::Spec->splitpath($Path);
            File::Path::make_path($Parent);

            # Plain file I/O: this runs before OTRS has installed anything and must also work standalone.
            my $FH;
            if ( !open $FH, '>:raw', $Path ) {    ## no critic
                return (
                    Success => 0,
                    Message => "cannot write $Path: $!",
                    Perl    => $Description,
                );
            }
            print {$FH} $Param{Files}->{$Location};
            close $FH;
        }
        $Directory = $TempDirectory->dirname();
    }

    if ( !$Directory || !-d $Directory ) {
        return (
            Success => 0,
            Message => 'no directory with the native part: ' . ( $Directory // '(none)' ),
            Perl    => $Description,
        );
    }

    # The probe loads SalesForce::XS from the given directory only, and says so.
    my $Probe = <<'EOF';
use strict;
use warnings;
no warnings 'once';
my $Directory = shift @ARGV;
require SalesForce::XS;
my $Module = $INC{'SalesForce/XS.pm'} // '';
die "SalesForce/XS.pm was loaded from $Module, not from $Directory\n" if index( $Module, $Directory ) != 0;
my @Objects = grep { index( $_, $Directory ) == 0 } @DynaLoader::dl_shared_objects;
die "the glue XS.so was not loaded from $Directory\n" if !@Objects;
my $Version = SalesForce::XS::version();
die "SalesForce::XS::version() returned nothing\n" if !defined $Version || $Version eq '';
print "VERSION=$Version\n";
EOF

    my ( $ExitCode, $Output ) = $Self->_RunPerl(
        Perl      => $Perl,
        Arguments => [ '-I', $Directory, '-e', $Probe, $Directory ],
    );

    if ( $ExitCode == 0 && $Output =~ m{^VERSION=(\S+)$}xms ) {
        return (
            Success => 1,
            Version => $1,
            Perl    => $Description,
        );
    }

    # Keep the loader's words, without the temporary path noise of the probe
    # and Perl's "Compilation failed" after the facade's own line.
    my $Message = $Output;
    $Message =~ s{\s+\z}{}xms;
    $Message =~ s{ \s at \s -e \s line \s \d+ \.? }{}gxms;
    $Message =~ s{ ^ Compilation \s failed \s in \s require [^\n]* \n? }{}gxms;
    $Message =~ s{\s+\z}{}xms;
    if ($TempDirectory) {
        $Message =~ s{\Q$Directory\E}{the package's Kernel/cpan-lib}gxms;
    }
    $Message = "the probe process ended with exit code $ExitCode" if $Message eq '';
    if ( length $Message > 2000 ) {
        $Message = substr( $Message, 0, 2000 ) . ' [...]';
    }

    return (
        Success => 0,
        Message => $Message,
        Perl    => $Description,
    );
}

=head2 MigrateCronTasks()

Switches the package's cron task settings that the admin changed (so they
keep the value saved under 6.0.1) from C<Function =E<gt> Run> to C<Execute>.
With C<Run> the daemon passes no options, ignores errors and the exit code.
Returns the names of the settings changed.

    my @Changed = $SetupObject->MigrateCronTasks();

=cut

sub MigrateCronTasks {
    my ( $Self, %Param ) = @_;

    my $SysConfigObject = $Kernel::OM->Get('Kernel::System::SysConfig');

    my @Changed;
    TASK:
    for my $Task (@CronTasks) {
        my $Name    = "Daemon::SchedulerCronTaskManager::Task###$Task";
        my %Setting = $SysConfigObject->SettingGet(
            Name  => $Name,
            NoLog => 1,
        );
        next TASK if !%Setting;
        next TASK if !$Setting{IsModified};
        next TASK if ref $Setting{EffectiveValue} ne 'HASH';
        next TASK if ( $Setting{EffectiveValue}->{Function} // '' ) ne 'Run';

        my %NewValue = (
            %{ $Setting{EffectiveValue} },
            Function => 'Execute',
        );

        # With Run the daemon never passed Params; start from the new default (--quiet) when there are none.
        if ( ref $NewValue{Params} ne 'ARRAY' || !@{ $NewValue{Params} } ) {
            $NewValue{Params} = ['--quiet'];
        }

        my $ExclusiveLockGUID = $SysConfigObject->SettingLock(
            Name   => $Name,
            Force  => 1,
            UserID => 1,
        );
        my %Result = $SysConfigObject->SettingUpdate(
            Name              => $Name,
            IsValid           => $Setting{IsValid},
            EffectiveValue    => \%NewValue,
            ExclusiveLockGUID => $ExclusiveLockGUID,
            UserID            => 1,
        );
        $SysConfigObject->SettingUnlock( Name => $Name );

        if ( !$Result{Success} ) {
            $Kernel::OM->Get('Kernel::System::Log')->Log(
                Priority => 'error',
                Message  => "$PackageName: could not switch $Name to Function Execute: "
                    . ( $Result{Error} // 'unknown error' )
                    . '. Change "Function" from Run to Execute in Admin -> System Configuration.',
            );
            next TASK;
        }
        push @Changed, $Name;
    }

    return if !@Changed;

    my %Deploy = $SysConfigObject->ConfigurationDeploy(
        Comments      => "$PackageName upgrade: cron tasks call the console command with Function Execute",
        UserID        => 1,
        Force         => 1,
        DirtySettings => \@Changed,
    );
    if ( !$Deploy{Success} ) {
        $Kernel::OM->Get('Kernel::System::Log')->Log(
            Priority => 'error',
            Message  => "$PackageName: the changed cron task settings could not be deployed: "
                . ( $Deploy{Error} // 'unknown error' ) . '. Deploy them in Admin -> System Configuration.',
        );
        return;
    }

    $Self->_Notice( "$PackageName: switched " . join( ', ', @Changed ) . ' to Function Execute.' );

    return @Changed;
}

=head2 CheckAPIVersion()

Says, on upgrade, what the client's check of the settings replaced or doubts
(e.g. C<SalesForceModule::APIVersion> pinned to a version Salesforce no longer
serves), as L<Kernel::System::SalesForce/ConfigurationWarnings()> reports it.
The settings are not changed. Returns the warning or nothing.

    my $Warning = $SetupObject->CheckAPIVersion();

=cut

sub CheckAPIVersion {
    my ( $Self, %Param ) = @_;

    my @Warnings = $Kernel::OM->Get('Kernel::System::SalesForce')->ConfigurationWarnings( Quiet => 1 );
    return if !@Warnings;

    my $Warning = "$PackageName: " . join( ' ', @Warnings )
        . ' Change the setting in Admin -> System Configuration.';
    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'notice',
        Message  => $Warning,
    );
    print STDERR "$Warning\n";

    return $Warning;
}

# -- private

sub _NativeFilesFromStructure {
    my ( $Self, %Param ) = @_;

    my %Files;
    FILE:
    for my $File ( @{ $Param{Structure}->{Filelist} || [] } ) {
        next FILE if ref $File ne 'HASH' || !defined $File->{Location};
        next FILE if $File->{Location} !~ $NativeLocationRegex;
        $Files{ $File->{Location} } = $File->{Content};
    }

    return \%Files;
}

sub _CpanLibDirectory {
    my ( $Self, %Param ) = @_;

    my $Home = $Kernel::OM->Get('Kernel::Config')->Get('Home');
    return File::Spec->catdir( $Home, 'Kernel', 'cpan-lib' );
}

sub _PerlPath {
    my ( $Self, %Param ) = @_;

    # Under mod_perl $^X is the web server binary; then use the Perl this interpreter was built as.
    if ( $^X && $^X =~ m{ perl [0-9.]* \z }xms && -x $^X ) {
        return $^X;
    }
    return $Config{perlpath};
}

sub _RunPerl {
    my ( $Self, %Param ) = @_;

    # A clean environment: a PERL5LIB pointing at a build tree must not hide a broken package.
    delete local $ENV{PERL5LIB};
    delete local $ENV{PERLLIB};
    delete local $ENV{PERL5OPT};

    my $Pid = open my $Pipe, '-|';    ## no critic
    if ( !defined $Pid ) {
        return ( 255, "cannot start $Param{Perl}: $!" );
    }
    if ( !$Pid ) {

        # child: the loader's complaints go to STDERR, collect them with the output
        open STDERR, '>&', \*STDOUT;    ## no critic
        {
            no warnings 'exec';         ## no critic
            exec { $Param{Perl} } $Param{Perl}, @{ $Param{Arguments} };
        }
        print "cannot run $Param{Perl}: $!\n";
        POSIX::_exit(127);
    }

    my $Output = '';
    my $TimedOut;
    eval {
        local $SIG{ALRM} = sub { die "timeout\n" };
        alarm 120;
        local $/;
        $Output = <$Pipe> // '';
        alarm 0;
        1;
    } or do {
        $TimedOut = 1;
        kill 'KILL', $Pid;
    };
    close $Pipe;
    my $ExitCode = $? >> 8;
    if ( $? & 127 ) {
        $Output .= sprintf "\nthe probe process died with signal %d", $? & 127;
        $ExitCode = 128 + ( $? & 127 );
    }
    if ($TimedOut) {
        return ( 124, "the probe process did not finish within 120 seconds\n$Output" );
    }

    return ( $ExitCode, $Output );
}

sub _NativeFailure {
    my ( $Self, %Param ) = @_;

    my $Skip = $ENV{SALESFORCE_SYNC_SKIP_NATIVE_CHECK} ? 1 : 0;

    # An uncovered Perl needs another package; anything else is a damaged install.
    my $Remedy = $Param{Message} =~ m{no \s native \s part \s for \s this \s Perl}xms
        ? 'This package carries no build for the Perl of this host. Install a package built for it '
        . '(README, "Supported hosts"; a developer builds one with make opm PERLS="... /path/to/this/perl").'
        : 'The package is damaged or this host misses a system library. Reinstall the package '
        . '(see doc/en/SalesForce.md, "The native part does not load").';
    my $Text = "$PackageName: the native part (SalesForce::XS) does not load in this Perl ($Param{Perl}): "
        . "$Param{Message}\n$Remedy The sync commands do not work until this is fixed.\n";

    my $Console = ( $0 // '' ) =~ m{ (?: otrs | znuny | otobo ) \.Console\.pl \z }xms ? 1 : 0;
    my $Stop    = $Param{Stop} && $Console && !$Skip;
    if ($Stop) {
        $Text .= "Nothing has been installed. "
            . "(To install anyway, set SALESFORCE_SYNC_SKIP_NATIVE_CHECK=1.)\n";
    }

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => $Skip ? 'notice' : 'error',
        Message  => $Text =~ s{\n}{ }gr,
    );
    print STDERR "\nERROR: $Text\n";

    if ($Stop) {

        # Package code cannot make the package manager fail: a die is logged and the install
        # carries on. Before any file is written (CodeInstall Type="pre") ending the console
        # process is the one way to stop it, and it leaves nothing behind.
        exit 1;    ## no critic
    }

    return;
}

sub _Notice {
    my ( $Self, $Message ) = @_;

    $Kernel::OM->Get('Kernel::System::Log')->Log(
        Priority => 'notice',
        Message  => $Message,
    );
    print STDERR "$Message\n";

    return 1;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
