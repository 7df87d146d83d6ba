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

Starts the C<fake-salesforce> binary of the package's source tree (path in the environment
variable C<FAKE_SALESFORCE_BIN>) on 127.0.0.1 with HTTPS, and points the package's settings at
it for the time of a unit test. Used only by F<scripts/test/SalesForce/*.t>.

=head1 PUBLIC INTERFACE

=head2 new()

    my $FakeObject = Kernel::System::SalesForce::UnitTestFake->new();

=cut

sub new {
    my ( $Type, %Param ) = @_;

    my $Self = {
        Binary     => $ENV{FAKE_SALESFORCE_BIN},
        PID        => undef,
        Owner      => $$,
        StateFiles => {},
    };
    return bless $Self, $Type;
}

=head2 Available()

True when C<FAKE_SALESFORCE_BIN> names an executable; the tests skip themselves otherwise.

    return 1 if !$FakeObject->Available();

=cut

sub Available {
    my ( $Self, %Param ) = @_;

    return $Self->{Binary} && -x $Self->{Binary} ? 1 : 0;
}

=head2 Start()

Starts the fake org with generated data and returns its info line (URLs, credentials,
CA file) as a hash reference, or nothing when it did not start within 30 seconds. With
C<Helper>, it also points the package at it (see L</Configure()>, which gets C<Settings>).

    my $Info = $FakeObject->Start(
        Generate => 'accounts=30,owners=4,contacts=40',
        Helper   => $Helper,                                         # optional
        Settings => { 'SalesForceModule::Companies::Where' => '' },   # optional
    );

=cut

sub Start {
    my ( $Self, %Param ) = @_;

    my $Dir = File::Temp::tempdir( CLEANUP => 1 );
    my $PID = fork();
    return if !defined $PID;
    if ( !$PID ) {

        # The unit test driver replaces STDOUT and STDERR by in-memory handles (without
        # --verbose), so "open STDOUT" would not reach file descriptor 1: put the files on 1
        # and 2 directly.
        open my $Out, '>', "$Dir/stdout" or POSIX::_exit(126);    ## no critic
        open my $Err, '>', "$Dir/stderr" or POSIX::_exit(126);    ## no critic
        POSIX::dup2( fileno $Out, 1 ) or POSIX::_exit(126);
        POSIX::dup2( fileno $Err, 2 ) or POSIX::_exit(126);
        exec $Self->{Binary}, '--listen', '127.0.0.1:0', '--tls', '--generate', $Param{Generate}
            or POSIX::_exit(127);
    }
    $Self->{PID} = $PID;

    # Its first line on stdout is one JSON object.
    for my $Try ( 1 .. 300 ) {
        if ( open my $FH, '<', "$Dir/stdout" ) {                  ## no critic
            my $Line = <$FH>;
            close $FH;
            if ( $Line && $Line =~ m{\n\z}smx ) {
                my $Info = JSON::PP->new()->decode($Line);
                if ( $Param{Helper} ) {
                    $Self->Configure( %Param, Info => $Info );
                }
                return $Info;
            }
        }
        Time::HiRes::sleep(0.1);
    }
    $Self->Stop();
    return;
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

Remembers the sync's state file of one kind (it is not in the database, so the unit test
helper does not restore it); L</Stop()> puts it back as it was.

    $FakeObject->KeepStateFile( Kind => 'companies' );    # or 'customers'

=cut

sub KeepStateFile {
    my ( $Self, %Param ) = @_;

    my $File = $Kernel::OM->Get('Kernel::Config')->Get('Home') . "/var/salesforce-sync/$Param{Kind}.json";
    $Self->{StateFiles}->{$File} = -e $File
        ? $Kernel::OM->Get('Kernel::System::Main')->FileRead( Location => $File )
        : undef;
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

Stops the fake org and puts back the state files kept by L</KeepStateFile()> (also done when
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
            );
        }
        else {
            unlink $File;
        }
    }

    return 1 if !$Self->{PID};
    kill 'TERM', $Self->{PID};
    waitpid $Self->{PID}, 0;
    $Self->{PID} = undef;
    return 1;
}

sub DESTROY {
    my $Self = shift;

    $Self->Stop();
    return;
}

1;

=head1 TERMS AND CONDITIONS

This software comes with ABSOLUTELY NO WARRANTY. For details, see
the enclosed file COPYING for license information (GPL). If you
did not receive this file, see L<https://www.gnu.org/licenses/gpl-3.0.txt>.

=cut
