# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::Output::HTML::Layout;

# Stand-in for the tests of the frontend modules. Output() renders the package's
# real template with Template Toolkit as OTRS 6 does: comment lines (# ...) dropped,
# Translate() and Env() given, the OTRS filters html and uri being Template's own;
# Breadcrumb.tt comes from t/lib/templates. Header(), NavigationBar() and Footer()
# are markers; Redirect(), ErrorScreen() and Attachment() return what they were
# asked for as text; ChallengeTokenCheck() dies like the real one stops the request.
# Translations: %Kernel::Output::HTML::Layout::Translation (none: the English text).

use strict;
use warnings;

use File::Basename qw(dirname);
use File::Spec;
use JSON::PP ();
use Template;

our @ObjectDependencies = ('Kernel::System::Web::Request');

our %Translation;

my $Root = File::Spec->rel2abs( File::Spec->catdir( dirname(__FILE__), ('..') x 4, '..' ) );

sub new {
    my ( $Type, %Param ) = @_;

    return bless {
        UserChallengeToken => 'TestToken',
        Action             => 'AdminSalesForce',
        %Param,
    }, $Type;
}

sub Translate {
    my ( $Self, $Text, @Values ) = @_;

    $Text = $Translation{$Text} // $Text // '';
    for my $Value (@Values) {
        $Text =~ s{%s}{ $Value // '' }xmse;
    }
    return $Text;
}

sub ChallengeTokenCheck {
    my ( $Self, %Param ) = @_;

    my $Token = $Kernel::OM->Get('Kernel::System::Web::Request')->GetParam( Param => 'ChallengeToken' ) // '';
    return 1 if $Token eq $Self->{UserChallengeToken};
    die "Invalid Challenge Token!\n";
}

sub Header        { return "<!-- header -->\n" }
sub NavigationBar { return "<!-- navigation -->\n" }
sub Footer        { return "<!-- footer -->\n" }

sub Redirect {
    my ( $Self, %Param ) = @_;
    return "REDIRECT $Param{OP}";
}

sub ErrorScreen {
    my ( $Self, %Param ) = @_;
    return "ERROR SCREEN $Param{Message}";
}

sub JSONEncode {
    my ( $Self, %Param ) = @_;
    return JSON::PP->new()->canonical()->encode( $Param{Data} );
}

sub Attachment {
    my ( $Self, %Param ) = @_;
    return "ATTACHMENT $Param{ContentType} " . ( $Param{Filename} // '-' ) . "\n\n$Param{Content}";
}

sub Output {
    my ( $Self, %Param ) = @_;

    my $File = File::Spec->catfile( $Root, qw(Kernel Output HTML Templates Standard), "$Param{TemplateFile}.tt" );
    open my $Handle, '<:encoding(UTF-8)', $File or die "$File: $!";    ## no critic
    my $Content = do { local $/; <$Handle> };
    close $Handle;
    $Content =~ s{^\#.*\n}{}gm;

    my %Env = (
        Baselink            => 'index.pl?',
        CGIHandle           => 'index.pl',
        Action              => $Self->{Action},
        UserChallengeToken  => $Self->{UserChallengeToken},
        ChallengeTokenParam => "ChallengeToken=$Self->{UserChallengeToken};",
    );
    my $Template = Template->new(
        INCLUDE_PATH => File::Spec->catdir( $Root, qw(t lib templates) ),
        STRICT       => 0,
    ) or die Template->error();
    my $Output = '';
    $Template->process(
        \$Content,
        {
            Data      => $Param{Data} || {},
            Translate => sub { $Self->Translate(@_) },
            Env       => sub { $Env{ $_[0] } // '' },
        },
        \$Output,
    ) or die $Template->error() . "\n";
    return $Output;
}

1;
