package journal

// ReadAll reads every session journal of the repository whose common git
// directory is commonDir, leaving out journals that hold no event.
func ReadAll(commonDir string) ([]*Journal, error) {
	paths, err := List(commonDir)
	if err != nil {
		return nil, err
	}
	var all []*Journal
	for _, p := range paths {
		j, err := Read(p)
		if err != nil {
			return nil, err
		}
		if len(j.Events) > 0 {
			all = append(all, j)
		}
	}
	return all, nil
}

// Named returns the journal of the session a person names, as ID or as
// AGENT/ID, or nil.
func Named(all []*Journal, name string) *Journal {
	for _, j := range all {
		agent, id := j.SessionOf()
		if name == id || name == agent+"/"+id {
			return j
		}
	}
	return nil
}

// Of returns the journal of the session agent/id, or nil.
func Of(all []*Journal, agent, id string) *Journal {
	for _, j := range all {
		if a, i := j.SessionOf(); a == agent && i == id {
			return j
		}
	}
	return nil
}
