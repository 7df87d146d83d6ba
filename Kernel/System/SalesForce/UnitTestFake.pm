# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::System::SalesForce::UnitTestFake;

use strict;
use warnings;

use File::Temp();
use JSON::PP();
use POSIX();
use Time::HiRes();

# Made by the package's unit tests (scripts/test/SalesForce/*.t) with new(), not by the
# object manager: it starts and stops a process of its own.
our $ObjectManagerDisabled = 1;

=head1 NAME

Kernel::System::SalesForce::UnitTestFake - the fake Salesforce org for this package's unit tests

=head1 DESCRIPTION

The one Perl launcher of the C<fake-salesforce> binary (doc/dev/ARCHITECTURE.md, "Finding the
fake in tests"): starts it on 127.0.0.1, reads its first stdout line (one JSON object: URLs,
credentials, CA file) and stops the process it started. The package's unit tests
(F<scripts/test/SalesForce/*.t>) use L</Start()>, which also points the package's settings at
the fake for the time of a test; the repository's Perl tests (F<t/lib/SalesForceTest/Fake.pm>,
F<perl/SalesForce-XS/t/lib/TestFake.pm>) use L</Launch()> through thin wrappers. Needs no
object manager (only L</Configure()>, L</KeepStateFile()>, L</RunSync()> and state file
restoring do).

=head1 PUBLIC INTERFACE

=head2 new()

    my $FakeObject = Kernel::System::SalesForce::UnitTestFake->new(
        Binary => '/path/to/fake-salesforce',    # optional, default $ENV{FAKE_SALESFORCE_BIN}
    );

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {
        Binary     => $Param{Binary} || $ENV{FAKE_SALESFORCE_BIN},
        PID        => undef,
        Owner      => $$,
        StateFiles => {},
    };
    return bless $Self, $Type;
}

=head2 Available()

True when the binary (C<FAKE_SALESFORCE_BIN>) is an executable; the tests skip themselves
otherwise.

    return 1 if !$FakeObject->Available();

=cut

sub Available {
    my ( $Self, %Param ) = @_;

    return $Self->{Binary} && -x $Self->{Binary} ? 1 : 0;
}

=head2 Launch()

Starts the fake with C<--listen 127.0.0.1:0> and the given arguments and returns its info
line, decoded (a hash reference), or nothing when it did not start (exited, or printed no
JSON object within C<Timeout> seconds, default 30); then L</Error()> says why. The fake's
standard output and error go to files in a temporary directory (a full pipe never blocks
it; see L</StderrText()>).

    my $Info = $FakeObject->Launch(
        Args    => [ '--tls', '--generate', 'accounts=30' ],    # optional
        Timeout => 30,                                          # optional
    );

=cut

sub Launch {
    my ( $Self, %Param ) = @_;

    $Self->{Error} = undef;
    if ( $Self->{PID} ) {
        $Self->{Error} = 'the fake is already running';
        return;
    }
    if ( !$Self->Available() ) {
        $Self->{Error} = 'fake-salesforce binary \'' . ( $Self->{Binary} // '' )
            . '\' not found or not executable (cargo build -p fake-salesforce, or set FAKE_SALESFORCE_BIN)';
        return;
    }

    my $Dir = File::Temp::tempdir(
        'fake-salesforce-XXXXXX',
        TMPDIR  => 1,
        CLEANUP => 1,
    );
    $Self->{Dir}     = $Dir;
    $Self->{ErrFile} = "$Dir/stderr";
    my @Command = ( $Self->{Binary}, '--listen', '127.0.0.1:0', @{ $Param{Args} || [] } );

    my $PID = fork();
    if ( !defined $PID ) {
        $Self->{Error} = "fork failed: $!";
        return;
    }
    if ( !$PID ) {

        # The OTRS unit test driver replaces STDOUT and STDERR by in-memory handles (without
        # --verbose), so "open STDOUT" would not reach file descriptor 1: put the files on 0,
        # 1 and 2 directly.
        open my $In,  '<', '/dev/null'   or POSIX::_exit(126);    ## no critic
        open my $Out, '>', "$Dir/stdout" or POSIX::_exit(126);    ## no critic
        open my $Err, '>', "$Dir/stderr" or POSIX::_exit(126);    ## no critic
        POSIX::dup2( fileno $In,  0 ) or POSIX::_exit(126);
        POSIX::dup2( fileno $Out, 1 ) or POSIX::_exit(126);
        POSIX::dup2( fileno $Err, 2 ) or POSIX::_exit(126);
        exec { $Command[0] } @Command or POSIX::_exit(127);
    }
    $Self->{PID} = $PID;

    # Its first line on stdout is one JSON object.
    my $Deadline = Time::HiRes::time() + ( $Param{Timeout} || 30 );
    while ( Time::HiRes::time() < $Deadline ) {
        if ( open my $FH, '<', "$Dir/stdout" ) {                  ## no critic
            my $Line = <$FH>;
            close $FH;
            if ( defined $Line && $Line =~ m{\n\z}smx ) {
                my $Info = eval { JSON::PP->new()->decode($Line) };
                if ( ref $Info ne 'HASH' ) {
                    $Self->Stop();
                    $Self->{Error} = "fake-salesforce's first line is not a JSON object: $Line";
                    return;
                }
                $Self->{Info} = $Info;
                return $Info;
            }
        }
        if ( waitpid( $PID, POSIX::WNOHANG() ) == $PID ) {
            my $Status = $? >> 8;
            $Self->{PID}   = undef;
            $Self->{Error} = "fake-salesforce exited (status $Status) before it was ready: "
                . $Self->StderrText();
            return;
        }
        Time::HiRes::sleep(0.05);
    }
    $Self->Stop();
    $Self->{Error} = 'fake-salesforce printed no first line within the timeout: ' . $Self->StderrText();
    return;
}

=head2 Info()

The info line of the running fake (see L</Launch()>), or nothing.

    my $Info = $FakeObject->Info();

=cut

sub Info {
    my ( $Self, %Param ) = @_;

    return $Self->{Info};
}

=head2 Error()

Why the last L</Launch()> or L</Start()> failed.

    my $Reason = $FakeObject->Error();

=cut

sub Error {
    my ( $Self, %Param ) = @_;

    return $Self->{Error};
}

=head2 StderrText()

What the fake wrote to standard error so far.

    my $Text = $FakeObject->StderrText();

=cut

sub StderrText {
    my ( $Self, %Param ) = @_;

    return '' if !$Self->{ErrFile};
    open my $FH, '<', $Self->{ErrFile} or return '';    ## no critic
    local $/;
    my $Text = <$FH>;
    close $FH;
    return $Text // '';
}

=head2 Start()

Starts the fake org with HTTPS and generated data and returns its info line (URLs,
credentials, CA file) as a hash reference, or nothing when it did not start within 30
seconds. With C<Helper>, it also points the package at it (see L</Configure()>, which gets
C<Settings>).

    my $Info = $FakeObject->Start(
        Generate => 'accounts=30,owners=4,contacts=40',
        Helper   => $Helper,                                         # optional
        Settings => { 'SalesForceModule::Companies::Where' => '' },   # optional
    );

=cut

sub Start {
    my ( $Self, %Param ) = @_;

    my $Info = $Self->Launch(
        Args => [ '--tls', ( defined $Param{Generate} ? ( '--generate', $Param{Generate} ) : () ) ],
    );
    return if !$Info;
    if ( $Param{Helper} ) {
        $Self->Configure( %Param, Info => $Info );
    }
    return $Info;
}

=head2 TestStart()

For the OTRS unit tests (F<scripts/test/SalesForce/*.t>): when the fake can run, sets up
the unit test helper with C<RestoreDatabase>, starts the fake org and points the package
at it (see L</Start()>), and checks that it started; when it cannot run, a passing check
says the tests are skipped. Returns the fake's info and the helper, or nothing (then the
test ends).

    my $FakeObject = Kernel::System::SalesForce::UnitTestFake->new();
    my ( $Info, $Helper ) = $FakeObject->TestStart(
        UnitTest => $Self,
        Generate => 'accounts=30,owners=4,contacts=40',
        Settings => { 'SalesForceModule::Companies::Where' => '' },    # optional
    );
    last TEST if !$Info;

=cut

sub TestStart {
    my ( $Self, %Param ) = @_;

    my $UnitTest = $Param{UnitTest};
    if ( !$Self->Available() ) {
        $UnitTest->True(
            1,
            'SKIPPED: set FAKE_SALESFORCE_BIN to the fake-salesforce binary to run the SalesForce sync tests',
        );
        return;
    }

    $Kernel::OM->ObjectParamAdd(
        'Kernel::System::UnitTest::Helper' => {
            RestoreDatabase => 1,
        },
    );
    my $Helper = $Kernel::OM->Get('Kernel::System::UnitTest::Helper');

    my $Info = $Self->Start(
        Generate => $Param{Generate},
        Helper   => $Helper,
        Settings => $Param{Settings},
    );
    return if !$UnitTest->True( $Info, 'fake Salesforce org started' );
    return ( $Info, $Helper );
}

=head2 Configure()

Points the package at the fake org for this test (through the unit test helper, so the
settings are restored afterwards): SOAP sign-in with the fake's credentials and CA file,
ValidData, cleanup by invalidating at most 10 percent, e-mail checks off (no DNS in tests);
C<Settings> adds or overrides settings.

    $FakeObject->Configure(
        Helper   => $Helper,
        Info     => $Info,
        Settings => {
            'SalesForceModule::Companies::DeleteOld' => '001*',
        },
    );

=cut

sub Configure {
    my ( $Self, %Param ) = @_;

    my $Info     = $Param{Info};
    my %Settings = (
        'SalesForceModule'                           => 1,
        'SalesForceModule::AuthFlow'                 => 'soap-login',
        'SalesForceModule::AuthUser'                 => $Info->{username},
        'SalesForceModule::AuthPassword'             => $Info->{password},
        'SalesForceModule::AuthSecToken'             => $Info->{security_token},
        'SalesForceModule::Proxy'                    => $Info->{soap_login_url},
        'SalesForceModule::CAFile'                   => $Info->{ca_file},
        'SalesForceModule::ValidData'                => 1,
        'SalesForceModule::Cleanup::Action'          => 'invalidate',
        'SalesForceModule::Cleanup::MaxSharePercent' => 10,
        'CheckEmailAddresses'                        => 0,
        %{ $Param{Settings} || {} },
    );
    for my $Key ( sort keys %Settings ) {
        $Param{Helper}->ConfigSettingChange(
            Valid => 1,
            Key   => $Key,
            Value => $Settings{$Key},
        );
    }
    return 1;
}

=head2 KeepStateFile()

Remembers the sync's state file and mirror of one kind (they are not in the database, so
the unit test helper does not restore them) and sets them aside, so the test starts
without them; L</Stop()> puts them back as they were.

    $FakeObject->KeepStateFile( Kind => 'companies' );    # or 'customers'

=cut

sub KeepStateFile {
    my ( $Self, %Param ) = @_;

    # The state file and the mirror of the last applied run (incremental runs).
    my $Directory = $Kernel::OM->Get('Kernel::Config')->Get('Home') . '/var/salesforce-sync';
    for my $File ( "$Directory/$Param{Kind}.json", "$Directory/$Param{Kind}.mirror" ) {
        $Self->{StateFiles}->{$File} = -e $File
            ? $Kernel::OM->Get('Kernel::System::Main')->FileRead(
            Location => $File,
            Mode     => 'binmode',
            )
            : undef;

        # The test starts without them: a mirror left by an earlier fake of the same org id
        # would make the test's first run incremental.
        unlink $File, "$File.new";
    }
    return 1;
}

=head2 RunSync()

Runs a sync console command with C<--json> and returns its exit code and decoded report
(an empty hash when the output was not JSON).

    my ( $ExitCode, $Report ) = $FakeObject->RunSync(
        Command   => 'SyncCompanies',    # or 'SyncCustomers'
        Arguments => ['--force'],        # optional
    );

=cut

sub RunSync {
    my ( $Self, %Param ) = @_;

    my $CommandObject
        = $Kernel::OM->Get("Kernel::System::Console::Command::Admin::SalesForce::$Param{Command}");
    my $Output = '';
    my $ExitCode;
    {
        local *STDOUT;
        open STDOUT, '>:encoding(UTF-8)', \$Output;    ## no critic
        $ExitCode = $CommandObject->Execute(
            ( $> == 0 ? '--allow-root' : () ), '--json', @{ $Param{Arguments} || [] }
        );
        close STDOUT;
    }
    my $Report = eval { JSON::PP->new()->utf8()->decode($Output) } || {};
    return ( $ExitCode, $Report );
}

=head2 Stop()

Stops the fake org (SIGTERM, then SIGKILL after 5 seconds; by its PID, only in the process
that started it) and puts back the state files kept by L</KeepStateFile()> (also done when
the object goes away).

    $FakeObject->Stop();

=cut

sub Stop {
    my ( $Self, %Param ) = @_;

    # Only the process that created this object cleans up (not a child of the test).
    return 1 if $Self->{Owner} != $$;
    for my $File ( sort keys %{ $Self->{StateFiles} } ) {
        my $Content = delete $Self->{StateFiles}->{$File};
        if ($Content) {
            $Kernel::OM->Get('Kernel::System::Main')->FileWrite(
                Location => $File,
                Content  => $Content,
                Mode     => 'binmode',
            );
        }
        else {
            unlink $File;
        }
        unlink "$File.new";
    }

    my $PID = $Self->{PID};
    return 1 if !$PID;
    $Self->{PID}  = undef;
    $Self->{Info} = undef;

    # SIGTERM, then SIGKILL after 5 seconds; only the process this object started.
    kill 'TERM', $PID;
    my $Deadline = Time::HiRes::time() + 5;
    while ( Time::HiRes::time() < $Deadline ) {
        return 1 if waitpid( $PID, POSIX::WNOHANG() ) != 0;
        Time::HiRes::sleep(0.05);
    }
    kill 'KILL', $PID;
    waitpid $PID, 0;
    return 1;
}

sub DESTROY {
    my $Self = shift;

    local ( $?, $@, $! );
    $Self->Stop();
    return;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
