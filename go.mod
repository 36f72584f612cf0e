module github.com/agentcheck/agentcheck

go 1.26
